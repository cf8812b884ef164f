// The JSON Schemas shipped for broker.yaml and gateway.yaml: the checked-in files are what
// `npm run schemas` generates from the zod schemas (so they never drift), and every example
// config in the README and docs validates against its schema (as an editor would read it) and
// loads with the real loader. An example is a ```yaml block whose first line names its file
// (`# broker.yaml …` or `# gateway.yaml …`); fragments get the required options they leave out.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${env:…}` is the syntax under test.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadBrokerConfigFile } from '@rolegate/broker';
import { loadGatewayConfigFile } from '@rolegate/gateway';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml, stringify } from 'yaml';
import { brokerConfigJsonSchema } from '../../broker/src/config/json-schema.ts';
import { gatewayConfigJsonSchema } from '../../gateway/src/config/json-schema.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'rolegate-schemas-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const kinds = {
  broker: {
    file: 'packages/broker/schema/broker.schema.json',
    generate: brokerConfigJsonSchema,
    required: { issuer: 'https://rolegate.example.com', loginPolicy: 'login-policy.json' },
    load: (path: string, env: Record<string, string>) => loadBrokerConfigFile(path, {}, env),
  },
  gateway: {
    file: 'packages/gateway/schema/gateway.schema.json',
    generate: gatewayConfigJsonSchema,
    required: {
      services: [
        {
          name: 'svc',
          listener: { hosts: ['svc.example'] },
          upstreams: ['http://10.0.0.1'],
          authType: 'NONE',
        },
      ],
    },
    load: (path: string, env: Record<string, string>) => loadGatewayConfigFile(path, env),
  },
} as const;
type Kind = keyof typeof kinds;

interface Example {
  readonly where: string;
  readonly kind: Kind;
  readonly text: string;
}

/** Every ```yaml block of the README and docs/*.md, with where it is. */
function yamlBlocks(): { where: string; text: string }[] {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const blocks: { where: string; text: string }[] = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^(\s*)```yaml\s*$/.exec(lines[i]!);
      if (!open) continue;
      const indent = open[1]!.length;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++)
        body.push(lines[j]!.slice(indent));
      blocks.push({ where: `${file}:${i + 1}`, text: `${body.join('\n')}\n` });
      i = j;
    }
  }
  return blocks;
}

function examples(): Example[] {
  return yamlBlocks().flatMap(({ where, text }) => {
    const kind = /^# (broker|gateway)\.yaml\b/.exec(text)?.[1] as Kind | undefined;
    return kind === undefined ? [] : [{ where, kind, text }];
  });
}

/** The example with its `${file:…}` references pointed at scratch files, and the env it needs. */
function runnable(example: Example): { text: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const [, name] of example.text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g))
    env[name!] = 'example';
  const text = example.text.replace(/\$\{file:([^}]+)\}/g, (_whole, path: string) => {
    const scratch = join(dir, 'secrets', basename(path));
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    writeFileSync(scratch, 'example\n');
    return `\${file:${scratch}}`;
  });
  return { text, env };
}

function validator(kind: Kind) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(kinds[kind].generate());
}

describe('config JSON Schemas', () => {
  for (const kind of Object.keys(kinds) as Kind[]) {
    it(`${kinds[kind].file} is what npm run schemas generates`, () => {
      const checkedIn: unknown = JSON.parse(readFileSync(join(root, kinds[kind].file), 'utf8'));
      assert.deepEqual(
        checkedIn,
        kinds[kind].generate(),
        'run `npm run schemas` and commit the result',
      );
    });

    it(`the ${kind} schema refuses an unknown option and a wrong type`, () => {
      const validate = validator(kind);
      assert.equal(validate({ ...kinds[kind].required, logleve: 'debug' }), false);
      assert.equal(validate({ ...kinds[kind].required, logLevel: 3 }), false);
      assert.equal(validate({ ...kinds[kind].required }), true, JSON.stringify(validate.errors));
    });
  }

  it('finds the examples: every yaml block in the docs names the file it is', () => {
    const blocks = yamlBlocks();
    const unnamed = blocks.filter((b) => !/^# \S+\.(yaml|yml)\b/.test(b.text)).map((b) => b.where);
    assert.deepEqual(
      unnamed,
      [],
      'start each ```yaml block with `# broker.yaml`, `# gateway.yaml` or its file name',
    );
    const found = examples();
    assert.ok(found.filter((e) => e.kind === 'broker').length >= 5, 'broker examples');
    assert.ok(found.filter((e) => e.kind === 'gateway').length >= 2, 'gateway examples');
  });

  for (const example of examples()) {
    it(`${example.where} (${example.kind}.yaml) validates against the schema and loads`, () => {
      const { text, env } = runnable(example);
      const written = parseYaml(example.text) as Record<string, unknown>;
      const document = { ...kinds[example.kind].required, ...written };
      const validate = validator(example.kind);
      assert.equal(validate(document), true, JSON.stringify(validate.errors, null, 1));
      const file = join(dir, `${example.where.replace(/[^a-z0-9]+/gi, '-')}.yaml`);
      writeFileSync(file, `${missingRequired(example.kind, written)}${text}`);
      kinds[example.kind].load(file, env);
    });
  }
});

/** The required options a fragment leaves out, as YAML lines to put before it. */
function missingRequired(kind: Kind, written: Record<string, unknown>): string {
  const missing = Object.entries(kinds[kind].required).filter(([key]) => !(key in written));
  return missing.length === 0 ? '' : stringify(Object.fromEntries(missing));
}
