// Every metric the broker and the gateway serve follows Prometheus' naming rules, checked on what
// their admin listeners really answer to a scrape. The reader below only splits the text format's
// `# HELP`, `# TYPE` and sample lines into names; it makes no exposition (prom-client does).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTwoServers, type TwoServers } from './support/two-servers.ts';

interface Family {
  name: string;
  type: string;
  help: string;
  labels: Set<string>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Non-base units, or a unit in the middle of a name: Prometheus wants seconds and bytes, last. */
const WRONG_UNIT =
  /_(ms|milliseconds|microseconds|us|ns|nanoseconds|minutes|hours|days|kb|kilobytes|mb|megabytes|percent)(_|$)/;
/**
 * prom-client's default process and Node.js metrics keep the names every Node.js dashboard uses
 * (no `rolegate_` prefix); these few of them are gauges named `_total`. Listed one by one, so a
 * new exception fails this test until someone decides about it.
 */
const PROM_CLIENT_DEFAULT_PREFIXES = ['process_', 'nodejs_'];
const PROM_CLIENT_GAUGES_NAMED_TOTAL = new Set([
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]);

function readFamilies(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: '', help: '', labels: new Set() };
      families.set(name, f);
    }
    return f;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const f = family(meta[2]!);
      if (meta[1] === 'HELP') f.help = meta[3]!;
      else f.type = meta[3]!;
      continue;
    }
    const sample = /^([^\s{]+)(?:\{(.*)\})? /.exec(line);
    if (!sample) continue;
    // A histogram's samples are <name>_bucket, _sum and _count of the family <name>.
    const name = sample[1]!.replace(/_(bucket|sum|count)$/, '');
    const f = families.get(name) ?? families.get(sample[1]!) ?? family(sample[1]!);
    for (const pair of (sample[2] ?? '').matchAll(/([^=,\s]+)="(?:[^"\\]|\\.)*"/g)) {
      f.labels.add(pair[1]!);
    }
  }
  return families;
}

function problems(f: Family): string[] {
  const found: string[] = [];
  const isDefault = PROM_CLIENT_DEFAULT_PREFIXES.some((p) => f.name.startsWith(p));
  if (!METRIC_NAME.test(f.name)) found.push('not a valid metric name');
  if (!isDefault && !f.name.startsWith('rolegate_')) found.push('no rolegate_ prefix');
  if (f.help.trim() === '') found.push('no help text');
  if (f.type === '') found.push('no TYPE');
  if (f.type === 'counter' && !f.name.endsWith('_total')) found.push('a counter not ending _total');
  if (
    f.type !== 'counter' &&
    f.name.endsWith('_total') &&
    !PROM_CLIENT_GAUGES_NAMED_TOTAL.has(f.name)
  )
    found.push(`a ${f.type} ending _total`);
  if (WRONG_UNIT.test(f.name)) found.push('a unit that is not a base unit, or not last');
  if (/(duration|latency)/.test(f.name) && !/_seconds(_total)?$/.test(f.name))
    found.push('a duration not in _seconds');
  if (/(size|memory)/.test(f.name) && !/_bytes(_total)?$/.test(f.name) && !isDefault)
    found.push('a size not in _bytes');
  for (const label of f.labels) {
    if (!LABEL_NAME.test(label)) found.push(`label ${label}: not a valid name`);
    if (label.startsWith('__')) found.push(`label ${label}: reserved`);
  }
  return found.map((p) => `${f.name}: ${p}`);
}

describe('metric names of the broker and the gateway', () => {
  let servers: TwoServers;
  const scraped = new Map<string, Map<string, Family>>();

  before(async () => {
    servers = await startTwoServers();
    // Traffic first, so every labelled series exists when scraped.
    await fetch(`${servers.brokerUrl}/v1/token`, { method: 'POST' });
    await fetch(`${servers.gateway.url}/`, { headers: { host: 'nobody.example' } });
    for (const [server, url] of [
      ['broker', servers.broker.adminUrl],
      ['gateway', servers.gateway.adminUrl],
    ] as const) {
      const res = await fetch(`${url}/metrics`);
      assert.equal(res.status, 200);
      scraped.set(server, readFamilies(await res.text()));
    }
  });
  after(() => servers.close());

  for (const server of ['broker', 'gateway'] as const) {
    it(`${server}: every family follows the rules`, () => {
      const families = [...scraped.get(server)!.values()];
      assert.ok(
        families.some((f) => f.name.startsWith('rolegate_')),
        'no rolegate metric scraped',
      );
      assert.ok(families.some((f) => f.labels.size > 0 && f.name.startsWith('rolegate_')));
      assert.deepEqual(families.flatMap(problems), []);
    });
  }

  it('the rules catch each kind of bad name', () => {
    const bad = (name: string, type: string, help = 'h', labels: string[] = []) =>
      problems({ name, type, help, labels: new Set(labels) });
    assert.ok(bad('rolegate_requests', 'counter').length > 0);
    assert.ok(bad('rolegate_up_total', 'gauge').length > 0);
    assert.ok(bad('requests_total', 'counter').length > 0);
    assert.ok(bad('rolegate_request_duration_ms', 'histogram').length > 0);
    assert.ok(bad('rolegate_request_duration', 'histogram').length > 0);
    assert.ok(bad('rolegate_body_size', 'gauge').length > 0);
    assert.ok(bad('rolegate_x-y_total', 'counter').length > 0);
    assert.ok(bad('rolegate_x_total', 'counter', '').length > 0);
    assert.ok(bad('rolegate_x_total', 'counter', 'h', ['__name']).length > 0);
    assert.ok(bad('rolegate_x_total', 'counter', 'h', ['bad-label']).length > 0);
    assert.deepEqual(bad('rolegate_request_duration_seconds', 'histogram', 'h', ['le']), []);
  });
});
