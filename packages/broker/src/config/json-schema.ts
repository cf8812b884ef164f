// The JSON Schema of broker.yaml, generated from the zod schema (./schema.ts), so editors can
// check and complete the file (`# yaml-language-server: $schema=…`). `npm run schemas` writes it
// to schema/broker.schema.json, shipped in the package; a test keeps that file equal to this.
// It describes the file as written (defaults make options optional); the checks that span
// options (a refine) and the checks the broker makes at start are not in it: `rolegate broker
// --check-config` runs those.
import { z } from 'zod';
import { brokerConfigSchema } from './schema.ts';

// biome-ignore lint/suspicious/noTemplateCurlyInString: names the reference syntax for editors.
const REFERENCES = 'String values may use ${env:NAME} and ${file:/absolute/path}.';

export function brokerConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(brokerConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'rolegate broker configuration (broker.yaml)',
    description: `See docs/broker.md. ${REFERENCES}`,
  };
}
