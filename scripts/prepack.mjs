#!/usr/bin/env node
// Runs in a package folder before `npm pack` / `npm publish`: the tarball must carry the built
// dist/ (never the TypeScript sources alone) and the project's LICENSE.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const here = process.cwd();
if (!existsSync(join(here, 'dist', 'index.js'))) {
  console.error(`${here}: dist/ is missing; run npm run build at the repository root first`);
  process.exit(1);
}
copyFileSync(join(here, '..', '..', 'LICENSE'), join(here, 'LICENSE'));
