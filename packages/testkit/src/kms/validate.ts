// Request validation in KMS's words. KMS checks every member against its model first and reports
// all the problems at once: "2 validation errors detected: Value null at 'keyId' failed to
// satisfy constraint: Member must not be null; Value 'X' at 'signingAlgorithm' …". Member names
// are the field names with a lower-case first letter; strings are echoed, blobs are not. A value
// of the wrong JSON type never reaches validation: that is a SerializationException.
import { KmsError } from './kms-error.ts';

export type JsonObject = Record<string, unknown>;

interface LengthRule {
  required?: boolean;
  min?: number;
  max?: number;
}

export class Fields {
  readonly #input: JsonObject;
  readonly #problems: string[] = [];

  constructor(input: JsonObject) {
    this.#input = input;
  }

  string(name: string, rule: LengthRule = {}): string | undefined {
    const value = this.#present(name, 'string', rule.required);
    if (value === undefined) return undefined;
    this.#length(`Value '${value}' at '${member(name)}'`, value.length, rule);
    return value;
  }

  /** A base64 blob, decoded. */
  blob(name: string, rule: LengthRule = {}): Buffer | undefined {
    const value = this.#present(name, 'string', rule.required);
    if (value === undefined) return undefined;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
      throw new KmsError('SerializationException', `Value for ${name} is not valid base64`);
    }
    const bytes = Buffer.from(value, 'base64');
    this.#length(`Value at '${member(name)}'`, bytes.length, rule);
    return bytes;
  }

  oneOf<const T extends string>(
    name: string,
    values: readonly T[],
    required = false,
  ): T | undefined {
    const value = this.#present(name, 'string', required);
    if (value === undefined) return undefined;
    if ((values as readonly string[]).includes(value)) return value as T;
    this.#problems.push(
      `Value '${value}' at '${member(name)}' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${values.join(', ')}]`,
    );
    return undefined;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.#present(name, 'number');
    if (value === undefined) return undefined;
    if (!Number.isInteger(value)) {
      throw new KmsError('SerializationException', `Value for ${name} is not an integer`);
    }
    const where = `Value '${value}' at '${member(name)}' failed to satisfy constraint: `;
    if (value < min)
      this.#problems.push(`${where}Member must have value greater than or equal to ${min}`);
    if (value > max)
      this.#problems.push(`${where}Member must have value less than or equal to ${max}`);
    return value;
  }

  /** Throws the ValidationException for every problem found so far, if any. */
  check(): void {
    const n = this.#problems.length;
    if (n === 0) return;
    throw new KmsError(
      'ValidationException',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.#problems.join('; ')}`,
    );
  }

  #present(name: string, type: 'string', required?: boolean): string | undefined;
  #present(name: string, type: 'number', required?: boolean): number | undefined;
  #present(name: string, type: 'string' | 'number', required = false): string | number | undefined {
    const value = this.#input[name];
    if (value === undefined || value === null) {
      if (required) {
        this.#problems.push(
          `Value null at '${member(name)}' failed to satisfy constraint: Member must not be null`,
        );
      }
      return undefined;
    }
    if (typeof value !== type) {
      throw new KmsError('SerializationException', `Unexpected value type for ${name}`);
    }
    return value as string | number;
  }

  #length(where: string, length: number, rule: LengthRule): void {
    const prefix = `${where} failed to satisfy constraint: Member must have length`;
    if (rule.min !== undefined && length < rule.min) {
      this.#problems.push(`${prefix} greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && length > rule.max) {
      this.#problems.push(`${prefix} less than or equal to ${rule.max}`);
    }
  }
}

const member = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);
