// JSON paths in the `$.a.b[0]["odd key"]` form, the form people paste into jq-like tools.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends an object key to a path, quoting keys that are not plain identifiers. */
export function childPath(parent: string, key: string): string {
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Appends an array index to a path. */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
