// keyring.json: which keys exist and what each may do. Read strictly, written atomically (write
// then rename), so a broker reloading it never sees half a file.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * active   — signs new tokens; exactly one.
 * standby  — published, never signs: verifiers hold it before it is promoted.
 * retiring — published until every token it signed has expired, then dropped; never signs.
 * revoked  — dropped from the JWKS at once (compromise); never signs.
 */
export const KEY_STATUSES = ['active', 'standby', 'retiring', 'revoked'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/**
 * A key held in AWS KMS: the broker only ever sees its public half. Region and endpoint are the
 * KMS client's; credentials come from the AWS SDK's default chain.
 */
const kmsKeySchema = z
  .object({
    /** Key id, key ARN, alias name (`alias/…`) or alias ARN. */
    keyId: z.string().min(1).max(2048),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/),
    /** Only for emulators and VPC endpoints; the SDK's regional endpoint otherwise. */
    endpoint: z.string().url().optional(),
  })
  .strict();

const entrySchema = z
  .object({
    kid: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    status: z.enum(KEY_STATUSES),
    /** A PKCS#8 PEM file in the keys folder… */
    file: z
      .string()
      .regex(/^[A-Za-z0-9_-]+\.pem$/)
      .optional(),
    /** …or a KMS key: exactly one of the two. */
    kms: kmsKeySchema.optional(),
    createdAt: z.string().datetime(),
    /** When the key left `active` or `standby` for `retiring`. */
    retiredAt: z.string().datetime().optional(),
    revokedAt: z.string().datetime().optional(),
  })
  .strict()
  .refine((entry) => (entry.file === undefined) !== (entry.kms === undefined), {
    message: 'a key names exactly one of `file` and `kms`',
  });

const ringSchema = z.object({ version: z.literal(1), keys: z.array(entrySchema) }).strict();

export type RingEntry = z.infer<typeof entrySchema>;
export type KmsKeyRef = z.infer<typeof kmsKeySchema>;
export type RingFile = z.infer<typeof ringSchema>;

export const RING_FILE = 'keyring.json';

export function readRingFile(dir: string): RingFile {
  const path = join(dir, RING_FILE);
  const parsed = ringSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  checkRing(parsed.data);
  return parsed.data;
}

export function writeRingFile(dir: string, ring: RingFile): void {
  checkRing(ring);
  const tmp = join(dir, `${RING_FILE}.${process.pid}.tmp`);
  rmSync(tmp, { force: true });
  writeFileSync(tmp, `${JSON.stringify(ring, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, join(dir, RING_FILE));
}

/** The invariants every edit and every load must keep. */
export function checkRing(ring: RingFile): void {
  const active = ring.keys.filter((k) => k.status === 'active');
  if (active.length !== 1)
    throw new Error(`a key ring needs exactly one active key, this one has ${active.length}`);
  const kids = new Set(ring.keys.map((k) => k.kid));
  if (kids.size !== ring.keys.length) throw new Error('a kid appears twice in the key ring');
  for (const key of ring.keys) {
    // Also checked here, not only by the schema: edits build entries in code.
    if ((key.file === undefined) === (key.kms === undefined))
      throw new Error(`key ${key.kid} must name exactly one of file and kms`);
    if (key.status === 'retiring' && !key.retiredAt)
      throw new Error(`retiring key ${key.kid} has no retiredAt`);
  }
}
