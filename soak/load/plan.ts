// What a load generator process is told (a JSON file written by the runner), and the credentials
// it signs with, read back from the files the stack wrote.
import { readFileSync } from 'node:fs';
import type { StsIdentity } from '@rolegate/testkit';
import type { Caller } from '../lib/constants.ts';

export type LoadRole = 'clients' | 'logins' | 'hostile';

export interface LoadPlan {
  readonly name: string;
  readonly role: LoadRole;
  readonly gatewayUrl: string;
  readonly brokerUrls: readonly string[];
  readonly identitiesFile: string;
  /** SVID files of the demo workloads (orders, reviews). */
  readonly workloads: readonly { name: string; cert: string; key: string }[];
  /** The KMS caller and endpoint, for the hostile share's expired-but-validly-signed token. */
  readonly kms: { readonly url: string; readonly region: string; readonly alias: string };
  readonly outFile: string;
  /** Concurrent loops and the pause after each iteration. */
  readonly loops: number;
  readonly pauseMs: number;
  readonly stopAt: number;
}

export function readPlan(file: string): LoadPlan {
  return JSON.parse(readFileSync(file, 'utf8')) as LoadPlan;
}

export interface Identities {
  readonly sts: readonly StsIdentity[];
  readonly kms: StsIdentity;
}

export function readIdentities(plan: LoadPlan): Identities {
  return JSON.parse(readFileSync(plan.identitiesFile, 'utf8')) as Identities;
}

/** What the client's CredentialSource takes (the SDK's AwsCredentialIdentity shape). */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export function credentialsOf(identities: Identities, caller: Caller): Credentials {
  const id = identities.sts.find((i) => i.name === caller);
  if (!id) throw new Error(`no STS identity named ${caller}`);
  return {
    accessKeyId: id.accessKeyId,
    secretAccessKey: id.secretAccessKey,
    ...(id.sessionToken ? { sessionToken: id.sessionToken } : {}),
  };
}

/** A pause that ends early when the generator is told to stop. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
