// chart.html in a real browser (Debian's chromium, headless): the inline script must have drawn
// every series with points, shaded every fault window and marked the unexpected answer — read
// from the DOM after scripts ran (--dump-dom). Skipped with a message where chromium is absent
// (CI installs it, and there a missing browser fails).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { chartHtml } from '../report/chart.ts';
import { figures, type SoakReport } from '../report/write.ts';
import { syntheticReport } from './support/synthetic-report.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip =
  !existsSync(CHROMIUM) && process.env.CI === undefined
    ? 'chromium not installed (apt-get install chromium; CI installs it)'
    : false;

async function dumpDom(file: string, profile: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--window-size=1200,900',
      '--dump-dom',
      `file://${file}`,
    ],
    { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

describe('soak chart in a browser', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'soak-chart-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('draws throughput, p99 and RSS with points, shades each fault, marks the unexpected answer', async () => {
    const report: SoakReport = syntheticReport();
    const file = join(dir, 'chart.html');
    const html = chartHtml(report, figures(report).timeline);
    assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i, 'no external asset');
    writeFileSync(file, html);
    const dom = await dumpDom(file, join(dir, 'profile'));
    assert.match(dom, /<svg[^>]*data-rendered="true"/);
    const points = [...dom.matchAll(/class="series" data-series="([^"]+)" data-points="(\d+)"/g)];
    const series = new Map(points.map((m) => [m[1]!, Number(m[2])]));
    assert.ok((series.get('requests/s') ?? 0) > 10, 'throughput drawn');
    assert.ok((series.get('p99 ms') ?? 0) > 10, 'p99 drawn');
    assert.ok((series.get('gateway') ?? 0) > 5, 'RSS of the gateway drawn');
    assert.equal(dom.match(/class="fault"/g)?.length, report.faults.windows.length);
    assert.match(dom, /data-fault="kms-throttle"/);
    assert.equal(dom.match(/class="unexpected"/g)?.length, 1);
  });
});
