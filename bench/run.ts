// `npm run bench [-- name…]` runs every bench/*.bench.ts (or those whose name contains an argument).
import { readdirSync } from 'node:fs';

const filters = process.argv.slice(2);
const dir = new URL('.', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

console.log(`rolegate bench — node ${process.version}, ${new Date().toISOString()}`);
for (const file of files) {
  const mod: { default: () => Promise<void> } = await import(new URL(file, dir).href);
  await mod.default();
}
