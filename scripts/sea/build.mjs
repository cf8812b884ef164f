#!/usr/bin/env node
// Builds the `rolegate` CLI as one executable file with Node's single executable application
// (SEA) support, for Linux: dist-sea/rolegate, a copy of this Node binary carrying the CLI.
//   1. esbuild bundles the built CLI (packages/cli/dist, so `npm run build` first) into one
//      CommonJS script — SEA runs exactly one CommonJS script, whose `require` sees only Node's
//      built-in modules — with every dynamic `import()` of an action inlined;
//   2. the one file the CLI reads beside its code, the Workload API's workload.proto, is
//      compiled at bundle time to a protobuf.js JSON descriptor and inlined (see ownModulesPlugin);
//   3. `node --experimental-sea-config` writes the preparation blob (with V8's code cache);
//   4. postject injects it into a copy of process.execPath.
// Third-party licence texts of everything bundled go to dist-sea/THIRD-PARTY-NOTICES.
// Usage: npm run sea (node scripts/sea/build.mjs). See docs/single-file-executable.md.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import postject from 'postject';

const root = resolve(new URL('../..', import.meta.url).pathname);
const out = join(root, 'dist-sea');
const cliDist = join(root, 'packages', 'cli', 'dist');
const clientDist = join(root, 'packages', 'client', 'dist');
// The fuse every official Node binary carries; postject flips it to say a blob is present.
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

if (process.platform !== 'linux') {
  console.error(`sea: builds for Linux only (this is ${process.platform}); see the docs`);
  process.exit(1);
}
if (!existsSync(join(cliDist, 'program.js'))) {
  console.error('sea: packages/cli/dist is missing; run `npm run build` first');
  process.exit(1);
}

const started = Date.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// The Workload API definition as protobuf.js reads it, made by the very protobuf.js that
// @grpc/proto-loader (the client's dependency) bundles, so its `fromJSON` reads it back exactly.
const protoLoaderRequire = createRequire(
  createRequire(join(root, 'packages', 'client', 'package.json')).resolve('@grpc/proto-loader'),
);
const protobuf = protoLoaderRequire('protobufjs');
const workloadProto = join(clientDist, 'workload-api', 'workload.proto');
const workloadJson = new protobuf.Root().loadSync(workloadProto, { keepCase: true }).toJSON();

/**
 * Two rewrites of rolegate's own built modules, the only places they read a file beside their code:
 * - the client's `loadSync(<workload.proto beside this module>, options)` becomes
 *   `fromJSON(<the descriptor above>, options)`; the build fails unless it finds exactly that one
 *   call, rather than ship a binary that fails on its first Workload API call;
 * - `createRequire(import.meta.url)('<literal>')` (a package reading its own package.json) becomes
 *   `require('<literal>')`, which esbuild resolves beside the module and inlines.
 * Any other `import.meta` left would be empty at run time: esbuild's warning is an error here.
 */
const ownModulesPlugin = {
  name: 'rolegate-own-modules',
  setup(b) {
    b.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/].*\.js$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8').replace(
        /\bcreateRequire\(import\.meta\.url\)\((['"][^'"]+['"])\)/g,
        'require($1)',
      );
      if (/[\\/]client[\\/]dist[\\/]workload-api[\\/]definition\.js$/.test(args.path)) {
        const call =
          /\bloadSync\(fileURLToPath\(new URL\('\.\/workload\.proto', import\.meta\.url\)\),/g;
        const load = "import { loadSync } from '@grpc/proto-loader';";
        if ((contents.match(call) ?? []).length !== 1 || !contents.includes(load))
          return { errors: [{ text: `expected one loadSync of workload.proto in ${args.path}` }] };
        contents = contents
          .replace(call, `fromJSON(${JSON.stringify(workloadJson)},`)
          .replace(load, "import { fromJSON } from '@grpc/proto-loader';");
      }
      return { contents, loader: 'js' };
    });
  },
};

// The entry mirrors packages/cli/src/main.ts without its top-level await (no such thing in CJS).
const entry = `
import { reportError } from './packages/cli/dist/lib/report-error.js';
import { buildProgram } from './packages/cli/dist/program.js';
buildProgram().parseAsync(process.argv).catch(reportError);
`;
const bundlePath = join(out, 'rolegate.cjs');
const result = await build({
  stdin: { contents: entry, resolveDir: root, sourcefile: 'sea-main.js', loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${process.versions.node.split('.')[0]}`,
  outfile: bundlePath,
  // Package "exports" conditions as Node resolves them for require(), so each dependency's
  // CommonJS build is the one bundled where it ships both.
  conditions: ['node', 'require', 'default'],
  mainFields: ['main', 'module'],
  legalComments: 'none',
  // Minified and with V8's code cache, `--version` starts in about 0.55 of the time it takes
  // unminified without one (docs/single-file-executable.md); names kept for error classes.
  minify: true,
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
  // A module left reading `import.meta.url` would find it empty at run time: refuse to build.
  logOverride: { 'empty-import-meta': 'error' },
  // Not the root tsconfig.json: its `paths` point @rolegate/* at the TypeScript sources.
  tsconfigRaw: {},
  plugins: [ownModulesPlugin],
});
if (result.errors.length > 0) process.exit(1);

writeFileSync(join(out, 'THIRD-PARTY-NOTICES'), notices(Object.keys(result.metafile.inputs)));

const seaConfig = {
  main: bundlePath,
  output: join(out, 'sea-prep.blob'),
  disableExperimentalSEAWarning: true,
  useCodeCache: true,
  useSnapshot: false,
};
writeFileSync(join(out, 'sea-config.json'), `${JSON.stringify(seaConfig, null, 2)}\n`);
const prep = spawnSync(process.execPath, ['--experimental-sea-config', 'sea-config.json'], {
  cwd: out,
  stdio: 'inherit',
});
if (prep.status !== 0) process.exit(1);

const binary = join(out, 'rolegate');
copyFileSync(process.execPath, binary);
chmodSync(binary, 0o755);
await postject.inject(binary, 'NODE_SEA_BLOB', readFileSync(seaConfig.output), {
  sentinelFuse: SEA_FUSE,
});
rmSync(seaConfig.output);

const mib = (path) => (statSync(path).size / 2 ** 20).toFixed(1);
console.log(
  `sea: ${relative(root, binary)} ${mib(binary)} MiB (node ${process.version} ${mib(process.execPath)} MiB` +
    ` + bundle ${mib(bundlePath)} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);

/** The licence text of every node_modules package the bundle holds, once per package. */
function notices(inputs) {
  const packages = new Map();
  for (const input of inputs) {
    const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (m !== null && !packages.has(m[2])) packages.set(m[2], join(root, m[1]));
  }
  const sections = [];
  for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    if (/AGPL/i.test(String(manifest.license)))
      throw new Error(`sea: ${name} is ${manifest.license}`);
    const text =
      file === undefined
        ? '(no licence file in the package)'
        : readFileSync(join(dir, file), 'utf8').trim();
    sections.push(`${name}@${manifest.version} — ${manifest.license ?? 'see text'}\n\n${text}`);
  }
  return `${sections.join(`\n\n${'-'.repeat(78)}\n\n`)}\n`;
}
