// The "did you mean" helper: distance counts a swap of neighbours as one edit, case is ignored,
// and nothing further than two edits away is suggested.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestName, editDistance } from '../src/index.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps as one edit each', () => {
    assert.equal(editDistance('logLevel', 'logLevel'), 0);
    assert.equal(editDistance('logleve', 'loglevel'), 1);
    assert.equal(editDistance('issuer', 'isuser'), 1);
    assert.equal(editDistance('port', 'prot'), 1);
    assert.equal(editDistance('host', 'hots'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });
});

describe('closestName', () => {
  const keys = ['issuer', 'listen', 'logLevel', 'loginPolicy', 'clockTolerance'];

  it('suggests the key within two edits, ignoring case', () => {
    assert.equal(closestName('logleve', keys), 'logLevel');
    assert.equal(closestName('clocktolerance', keys), 'clockTolerance');
    assert.equal(closestName('isuser', keys), 'issuer');
    assert.equal(closestName('lisetn', keys), 'listen');
  });

  it('suggests nothing further than the limit', () => {
    assert.equal(closestName('upstream', keys), undefined);
    assert.equal(closestName('lstn', keys, 1), undefined);
  });
});
