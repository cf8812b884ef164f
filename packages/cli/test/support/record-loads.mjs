// Preload (`--import`) for the start-up tests: records in $ROLEGATE_LOADS_FILE, one URL a line,
// every module this process loads — ES modules (and the CommonJS files they import) through a
// loader hook, which runs on its own thread and appends each URL as it loads; CommonJS modules
// that those require, from require.cache when the process exits. Does nothing without the
// variable.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.ROLEGATE_LOADS_FILE;
if (file) {
  register(new URL('./record-loads-hooks.mjs', import.meta.url), { data: { file } });
  const { cache } = createRequire(import.meta.url);
  process.on('exit', () => {
    const urls = Object.keys(cache).map((path) => `${pathToFileURL(path).href}\n`);
    appendFileSync(file, urls.join(''));
  });
}
