// The soak must be able to fail: started with a gateway policy that lets `reviews` into billing
// (--plant allow-reviews-billing; the oracle still expects the demo permissions), a short run has
// to exit 1 with denied-never-allowed broken by reviews → billing answers. Needs redis-server and
// the built CLI (npm run build); skipped with a message locally without redis-server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, tsxArgs } from '../lib/children.ts';
import { REDIS_SERVER } from '../parties/redis.ts';

const skip =
  REDIS_SERVER === undefined && process.env.CI === undefined
    ? 'redis-server not installed (apt-get install redis-server; CI installs it)'
    : false;

interface ReportJson {
  readonly plant: string | null;
  readonly invariants: readonly { name: string; broken: number }[];
  readonly unexpected: readonly { caller: string; service?: string; status: number }[];
}

describe('soak with a planted fault', { skip }, () => {
  const out = mkdtempSync(join(tmpdir(), 'soak-plant-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('fails, naming reviews → billing as a denied principal let through', async () => {
    const exit = await new Promise<number | null>((resolve) => {
      const child = execFile(
        process.execPath,
        [...tsxArgs('run.ts'), '--seconds', '20', '--plant', 'allow-reviews-billing', '--out', out],
        {
          cwd: ROOT,
          timeout: 220_000,
          env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json') },
        },
        () => resolve(child.exitCode),
      );
    });
    assert.equal(exit, 1);
    assert.ok(existsSync(join(out, 'chart.html')));
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson;
    assert.equal(report.plant, 'allow-reviews-billing');
    const denied = report.invariants.find((i) => i.name === 'denied-never-allowed');
    assert.ok(denied && denied.broken > 0, 'denied-never-allowed must be broken');
    assert.ok(
      report.unexpected.some(
        (u) => u.caller === 'reviews' && u.service === 'billing' && u.status === 200,
      ),
    );
  });
});
