// The emulator's keys and aliases, and how a `KeyId` names one: a key id (UUID), a key ARN, an
// alias name (`alias/…`) or an alias ARN, as real KMS accepts. An ARN for another region or
// account names nothing here, exactly as it would in this region of real KMS.
import { createPrivateKey, createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import { KEY_SPECS, type KmsKeySpec } from './key-specs.ts';
import { KmsError, notFoundAlias, notFoundKey } from './kms-error.ts';

export type KmsKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

/** How a key policy refuses kms:Sign: no statement allows it, or a statement denies it. */
export type SignDenial = 'no-allow' | 'explicit-deny';

export interface StoredKey {
  keyId: string;
  arn: string;
  keySpec: KmsKeySpec;
  description: string;
  creationDate: Date;
  state: KmsKeyState;
  deletionDate?: Date;
  pendingWindowInDays?: number;
  signDenial?: SignDenial;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface StoredAlias {
  aliasName: string;
  aliasArn: string;
  targetKeyId: string;
  creationDate: Date;
}

export interface NewKey {
  keySpec: KmsKeySpec;
  keyId?: string;
  description?: string;
  /** PKCS#8 or SEC 1/PKCS#1 PEM of existing key material (e.g. kept by `rolegate dev`). */
  privateKeyPem?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]+$/;

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export class KeyStore {
  readonly #keys = new Map<string, StoredKey>();
  readonly #aliases = new Map<string, StoredAlias>();
  readonly #arnPrefix: string;

  constructor(
    readonly region: string,
    readonly account: string,
    private readonly clock: () => Date,
  ) {
    this.#arnPrefix = `arn:${partitionOf(region)}:kms:${region}:${account}:`;
  }

  async create(opts: NewKey): Promise<StoredKey> {
    const spec = KEY_SPECS[opts.keySpec];
    if (!spec) throw new TypeError(`unsupported key spec ${String(opts.keySpec)}`);
    const keyId = opts.keyId ?? randomUUID();
    if (!UUID.test(keyId)) throw new TypeError(`key id must be a lower-case UUID: ${keyId}`);
    if (this.#keys.has(keyId)) throw new TypeError(`key ${keyId} already exists`);
    const { privateKey, publicKey } =
      opts.privateKeyPem === undefined ? await spec.generate() : fromPem(opts.privateKeyPem);
    if (!spec.matches(privateKey)) {
      throw new TypeError(`the private key given for ${keyId} is not a ${opts.keySpec} key`);
    }
    const key: StoredKey = {
      keyId,
      arn: `${this.#arnPrefix}key/${keyId}`,
      keySpec: opts.keySpec,
      description: opts.description ?? '',
      creationDate: this.clock(),
      state: 'Enabled',
      privateKey,
      publicKey,
    };
    this.#keys.set(keyId, key);
    return key;
  }

  addAlias(aliasName: string, key: StoredKey): StoredAlias {
    if (this.#aliases.has(aliasName)) {
      throw new KmsError(
        'AlreadyExistsException',
        `An alias with the name ${this.#arnPrefix}${aliasName} already exists`,
      );
    }
    const alias: StoredAlias = {
      aliasName,
      aliasArn: this.#arnPrefix + aliasName,
      targetKeyId: key.keyId,
      creationDate: this.clock(),
    };
    this.#aliases.set(aliasName, alias);
    return alias;
  }

  /** The key a request's KeyId names, or the NotFoundException KMS answers. */
  resolve(keyId: string, { aliases = true } = {}): StoredKey {
    if (UUID.test(keyId)) return this.#byId(keyId, `${this.#arnPrefix}key/${keyId}`);
    if (keyId.startsWith(this.#arnPrefix)) {
      const resource = keyId.slice(this.#arnPrefix.length);
      if (resource.startsWith('key/')) return this.#byId(resource.slice(4), keyId);
      if (aliases && resource.startsWith('alias/')) return this.#byAlias(resource);
    } else if (keyId.startsWith('arn:')) {
      // Another region, account or partition: nothing of it lives here.
      throw keyId.includes(':alias/') ? notFoundAlias(keyId) : notFoundKey(keyId);
    } else if (aliases && keyId.startsWith('alias/')) {
      return this.#byAlias(keyId);
    }
    throw new KmsError('NotFoundException', `Invalid keyId '${keyId}'`);
  }

  /** For the emulator's own API: a key by any of its names, or a TypeError. */
  lookup(keyId: string): StoredKey {
    try {
      return this.resolve(keyId);
    } catch {
      throw new TypeError(`the KMS emulator has no key ${keyId}`);
    }
  }

  keys(): StoredKey[] {
    return [...this.#keys.values()];
  }

  aliases(): StoredAlias[] {
    return [...this.#aliases.values()].sort((a, b) => a.aliasName.localeCompare(b.aliasName));
  }

  aliasesOf(key: StoredKey): string[] {
    return this.aliases()
      .filter((a) => a.targetKeyId === key.keyId)
      .map((a) => a.aliasName);
  }

  #byId(id: string, asked: string): StoredKey {
    const key = this.#keys.get(id);
    if (!key) throw notFoundKey(asked);
    return key;
  }

  #byAlias(aliasName: string): StoredKey {
    const alias = this.#aliases.get(aliasName);
    if (!alias) throw notFoundAlias(this.#arnPrefix + aliasName);
    return this.#byId(alias.targetKeyId, `${this.#arnPrefix}key/${alias.targetKeyId}`);
  }
}

function fromPem(pem: string): { privateKey: KeyObject; publicKey: KeyObject } {
  const privateKey = createPrivateKey(pem);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
