// "Did you mean …?" for an unknown option in a config file: zod reports the unknown key and the
// path of the mapping it sits in; this finds the keys the schema accepts at that path and names
// the closest one (core's closestName: at most two edits away).
import { closestName } from '@rolegate/core';

interface SchemaDef {
  readonly type?: string;
  readonly shape?: Readonly<Record<string, unknown>>;
  readonly innerType?: unknown;
  readonly in?: unknown;
  readonly element?: unknown;
  readonly valueType?: unknown;
  readonly options?: readonly unknown[];
  readonly getter?: () => unknown;
}

// Reads zod 4's schema description (`_zod.def`), the form its own tools (toJSONSchema) read.
function defOf(schema: unknown): SchemaDef | undefined {
  const zod = (schema as { _zod?: { def?: SchemaDef } } | null | undefined)?._zod;
  return zod?.def;
}

/** The schemas at `path` inside `schema`: wrappers unwrapped, every object of a union kept. */
function schemasAt(schema: unknown, path: readonly PropertyKey[]): unknown[] {
  const def = defOf(schema);
  if (def === undefined) return [];
  if (def.innerType !== undefined) return schemasAt(def.innerType, path);
  if (def.type === 'pipe') return schemasAt(def.in, path);
  if (def.type === 'lazy' && def.getter) return schemasAt(def.getter(), path);
  if (def.type === 'union') return (def.options ?? []).flatMap((o) => schemasAt(o, path));
  if (path.length === 0) return [schema];
  const [head, ...rest] = path;
  if (def.type === 'object') {
    const field = def.shape?.[String(head)];
    return field === undefined ? [] : schemasAt(field, rest);
  }
  if (def.type === 'array') return schemasAt(def.element, rest);
  if (def.type === 'record') return schemasAt(def.valueType, rest);
  return [];
}

/** The option names valid in the mapping at `path` (empty when the schema does not say). */
export function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const found of schemasAt(schema, path)) {
    const def = defOf(found);
    if (def?.type === 'object') for (const key of Object.keys(def.shape ?? {})) keys.add(key);
  }
  return [...keys];
}

/** One line per unknown key: `path.key: unknown option (did you mean near?)`. */
export function describeUnknownKeys(
  schema: unknown,
  path: readonly PropertyKey[],
  unknown: readonly string[],
): string[] {
  const valid = keysAt(schema, path);
  return unknown.map((key) => {
    const near = closestName(key, valid);
    const where = [...path, key].join('.');
    return `${where}: unknown option${near === undefined ? '' : ` (did you mean ${near}?)`}`;
  });
}
