// `rolegate completion`: the bash script is run for real — bash -c with COMP_WORDS and COMP_CWORD
// set as bash sets them — and offers the program's commands, subcommands and flags; zsh and fish
// scripts are syntax-checked by their shells when those are installed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './support/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rolegate-completion-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

let bashScript: string;
before(async () => {
  const res = await runCli(['completion', 'bash']);
  assert.equal(res.code, 0, res.stderr);
  bashScript = join(dir, 'rolegate.bash');
  writeFileSync(bashScript, res.stdout);
});

/** What the bash completion offers when the line is `words` and the cursor is on the last word. */
function complete(...words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source '${bashScript}'; COMP_WORDS=(rolegate ${quoted}); COMP_CWORD=${words.length}; _rolegate_completion; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter((line) => line !== '');
}

describe('rolegate completion', () => {
  it('bash: top-level commands, by prefix', () => {
    const all = complete('');
    for (const name of ['dev', 'token', 'exec', 'policy', 'keys', 'completion']) {
      assert.ok(all.includes(name), `${name} missing from ${all.join(' ')}`);
    }
    assert.deepEqual(complete('to'), ['token']);
    assert.deepEqual(complete('cred'), ['credential-process']);
  });

  it("bash: a command's flags, its subcommands, and past flags with values", () => {
    assert.deepEqual(complete('token', '--au'), ['--audience']);
    assert.deepEqual(complete('token', '--no-'), ['--no-cache']);
    assert.ok(complete('token', '--').includes('--cache-dir'));
    assert.deepEqual(complete('policy', 'ch'), ['check']);
    // --state-dir takes a value: `x` is that value, not a command, and `list` is still offered.
    assert.deepEqual(complete('keys', '--state-dir', 'x', 'li'), ['list']);
    assert.deepEqual(complete('completion', '--h'), ['--help']);
  });

  it('bash: a flag value and words after -- are left to the shell', () => {
    assert.deepEqual(complete('token', '--cert', ''), []);
    assert.ok(complete('exec', '--audience', 'a', '--', 'bas').includes('bash'));
  });

  it('bash: the script passes bash -n', () => {
    assert.equal(spawnSync('bash', ['-n', bashScript]).status, 0);
  });

  for (const shell of ['zsh', 'fish'] as const) {
    it(`${shell}: the script is printed and passes ${shell} -n`, async (t) => {
      const res = await runCli(['completion', shell]);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /--audience|-l audience/);
      if (!has(shell)) return t.skip(`${shell} is not installed: syntax not checked`);
      const file = join(dir, `rolegate.${shell}`);
      writeFileSync(file, res.stdout);
      const check = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stderr);
    });
  }

  it('refuses a shell it does not know', async () => {
    const res = await runCli(['completion', 'tcsh']);
    assert.equal(res.code, 1);
    assert.equal(res.stdout, '');
  });
});
