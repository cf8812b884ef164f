// The JSON Schema of gateway.yaml, generated from the zod schema (./schema.ts), so editors can
// check and complete the file (`# yaml-language-server: $schema=…`). `npm run schemas` writes it
// to schema/gateway.schema.json, shipped in the package; a test keeps that file equal to this.
// It describes the file as written (defaults make options optional); the checks that span
// options (a refine) and the checks the gateway makes at start are not in it: `rolegate gateway
// --check-config` runs those.
import { z } from 'zod';
import { gatewayConfigSchema } from './schema.ts';

// biome-ignore lint/suspicious/noTemplateCurlyInString: names the reference syntax for editors.
const REFERENCES = 'String values may use ${env:NAME} and ${file:/absolute/path}.';

export function gatewayConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(gatewayConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'rolegate gateway configuration (gateway.yaml)',
    description: `See docs/gateway.md. ${REFERENCES}`,
  };
}
