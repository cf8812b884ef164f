// The token providers: a token given explicitly, a token file kept fresh by something else (a
// sidecar, `rolegate exec --token-file`), and the broker through the caller's AWS credentials or
// through the workload's X.509 certificate.

import { readFile } from 'node:fs/promises';
import { DISCOVERY_PATH, describeFetchFailure, JWT_TOKEN_TYPE } from '@rolegate/core';
import { checkBrokerUrl } from '../broker-url.ts';
import type { CredentialSource } from '../credentials.ts';
import { RolegateClientError } from '../errors.ts';
import type { StsEndpoint, StsEndpointChoice } from '../sts-endpoint.ts';
import { createStsProof, STS_PROOF_TOKEN_TYPE } from '../sts-proof.ts';
import { exchangeToken, type IssuedToken } from '../token-exchange.ts';
import { createX509Assertion, X509_ASSERTION_TOKEN_TYPE } from '../x509-assertion.ts';
import { unverifiedExpiry } from './jwt-expiry.ts';
import { type TokenProvider, TokenProviderSkipped } from './token-provider.ts';

/** A fixed token (e.g. from ROLEGATE_TOKEN). Skips when none is given. */
export function fromToken(token: string | undefined = process.env.ROLEGATE_TOKEN): TokenProvider {
  return async () => {
    if (!token) throw new TokenProviderSkipped('no explicit token (ROLEGATE_TOKEN)');
    return issued(token);
  };
}

/** A token file, re-read on every call (the memoizer calls only near expiry). Skips when unset. */
export function fromTokenFile(
  path: string | undefined = process.env.ROLEGATE_TOKEN_FILE,
): TokenProvider {
  return async () => {
    if (!path) throw new TokenProviderSkipped('no token file (ROLEGATE_TOKEN_FILE)');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      throw new RolegateClientError(
        'client.token_file_unreadable',
        `cannot read token file ${path}`,
        { cause },
      );
    }
    const token = text.trim();
    if (!token)
      throw new RolegateClientError('client.token_file_unreadable', `token file ${path} is empty`);
    return issued(token);
  };
}

export interface BrokerProviderOptions {
  /** Broker base URL; ROLEGATE_BROKER_URL when omitted. Skips when neither is set. */
  readonly brokerUrl?: string;
  /** The broker's login audience; read from its discovery document when omitted. */
  readonly loginAudience?: string;
  readonly credentials?: CredentialSource;
  readonly endpoint?: StsEndpointChoice | StsEndpoint;
  readonly fetch?: typeof fetch;
}

/** Proves the caller's AWS identity to the broker and exchanges the proof for a token. */
export function fromBrokerWithAwsCredentials(options: BrokerProviderOptions = {}): TokenProvider {
  let loginAudience = options.loginAudience;
  return async (audience) => {
    const brokerUrl = options.brokerUrl ?? process.env.ROLEGATE_BROKER_URL;
    if (!brokerUrl) throw new TokenProviderSkipped('no broker URL (ROLEGATE_BROKER_URL)');
    loginAudience ??= await discoverLoginAudience(brokerUrl, options.fetch ?? fetch);
    const proof = await createStsProof({
      audience: loginAudience,
      credentials: options.credentials,
      endpoint: options.endpoint,
    });
    return exchangeToken({
      brokerUrl,
      audience,
      subjectToken: proof,
      subjectTokenType: STS_PROOF_TOKEN_TYPE,
      fetch: options.fetch,
    });
  };
}

export interface CertificateProviderOptions {
  /** Broker base URL; ROLEGATE_BROKER_URL when omitted. */
  readonly brokerUrl?: string;
  /** The broker's login audience; read from its discovery document when omitted. */
  readonly loginAudience?: string;
  /** PEM certificate file (leaf first); ROLEGATE_CERT_FILE when omitted. Skips when neither. */
  readonly certificateFile?: string;
  /** PEM private key file; ROLEGATE_KEY_FILE when omitted. */
  readonly privateKeyFile?: string;
  /** PEM intermediates; ROLEGATE_CHAIN_FILE when omitted (optional). */
  readonly chainFile?: string;
  /** For an encrypted key; ROLEGATE_KEY_PASSPHRASE when omitted. */
  readonly passphrase?: string;
  readonly fetch?: typeof fetch;
}

/**
 * Proves the workload's certificate to the broker (an X.509 assertion) and exchanges it for a
 * token. The files are read again for every token: certificate issuers such as SPIRE rotate them
 * often, and a token must never outlive the certificate it came from.
 */
export function fromBrokerWithCertificate(options: CertificateProviderOptions = {}): TokenProvider {
  let loginAudience = options.loginAudience;
  return async (audience) => {
    const certificateFile = options.certificateFile ?? process.env.ROLEGATE_CERT_FILE;
    if (!certificateFile) throw new TokenProviderSkipped('no certificate (ROLEGATE_CERT_FILE)');
    const privateKeyFile = options.privateKeyFile ?? process.env.ROLEGATE_KEY_FILE;
    if (!privateKeyFile) {
      throw new RolegateClientError(
        'client.certificate_invalid',
        'a certificate without its private key: set ROLEGATE_KEY_FILE (or privateKeyFile)',
      );
    }
    const brokerUrl = options.brokerUrl ?? process.env.ROLEGATE_BROKER_URL;
    if (!brokerUrl) {
      throw new RolegateClientError(
        'client.invalid_option',
        'a certificate needs a broker: set ROLEGATE_BROKER_URL (or brokerUrl)',
      );
    }
    const chainFile = options.chainFile ?? process.env.ROLEGATE_CHAIN_FILE;
    const [certificate, privateKey, chain] = await Promise.all([
      readCredentialFile(certificateFile, 'certificate'),
      readCredentialFile(privateKeyFile, 'private key'),
      chainFile ? readCredentialFile(chainFile, 'chain') : undefined,
    ]);
    loginAudience ??= await discoverLoginAudience(brokerUrl, options.fetch ?? fetch);
    const assertion = await createX509Assertion({
      audience: loginAudience,
      certificate,
      chain,
      privateKey,
      passphrase: options.passphrase ?? process.env.ROLEGATE_KEY_PASSPHRASE,
    });
    return exchangeToken({
      brokerUrl,
      audience,
      subjectToken: assertion,
      subjectTokenType: X509_ASSERTION_TOKEN_TYPE,
      fetch: options.fetch,
    });
  };
}

async function readCredentialFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `cannot read the ${what} file ${path}`,
      {
        cause,
      },
    );
  }
}

const DISCOVERY_TIMEOUT_MS = 5000;

/**
 * The broker names its login audience in its discovery document. Because the proof we sign is
 * bound to that audience, trusting it blindly would let a hostile "broker" hand us another
 * broker's audience and relay our proof there. So a discovered audience is accepted only when it
 * is a URL on the same origin as the broker we asked; any other login audience must be configured.
 */
export async function discoverLoginAudience(
  brokerUrl: string,
  doFetch: typeof fetch = fetch,
): Promise<string> {
  const broker = checkBrokerUrl(brokerUrl);
  const url = new URL(DISCOVERY_PATH, broker);
  let doc: { rolegate_login_audience?: unknown };
  try {
    const response = await doFetch(url, {
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    doc = (await response.json()) as typeof doc;
  } catch (cause) {
    throw new RolegateClientError(
      'client.broker_unreachable',
      `cannot read ${url}: ${describeFetchFailure(cause, { timeoutMs: DISCOVERY_TIMEOUT_MS }).text}`,
      { cause },
    );
  }
  const audience = doc.rolegate_login_audience;
  if (typeof audience !== 'string') {
    throw new RolegateClientError(
      'client.broker_bad_response',
      `${url} names no rolegate_login_audience`,
    );
  }
  if (!sameOrigin(audience, broker)) {
    throw new RolegateClientError(
      'client.login_audience_mismatch',
      `${broker.origin} names the login audience ${JSON.stringify(audience)}, which is not its own origin; configure the login audience explicitly if you trust it`,
    );
  }
  return audience;
}

function sameOrigin(value: string, broker: URL): boolean {
  try {
    return new URL(value).origin === broker.origin;
  } catch {
    return false;
  }
}

function issued(token: string): IssuedToken {
  const expiresAt = unverifiedExpiry(token) ?? new Date(Date.now() + 5 * 60_000);
  return {
    accessToken: token,
    tokenType: 'Bearer',
    issuedTokenType: JWT_TOKEN_TYPE,
    expiresIn: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
    expiresAt,
  };
}
