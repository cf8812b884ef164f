// The token providers: a token given explicitly, a token file kept fresh by something else (a
// sidecar, `rolegate exec --token-file`), and the broker through the caller's AWS credentials or
// through the workload's X.509 certificate.

import { readFile } from 'node:fs/promises';
import { JWT_TOKEN_TYPE } from '@rolegate/core';
import type { CredentialSource } from '../credentials.ts';
import { RolegateClientError } from '../errors.ts';
import { discoverLoginAudience } from '../login-audience.ts';
import type { StsEndpoint, StsEndpointChoice } from '../sts-endpoint.ts';
import { createStsProof, STS_PROOF_TOKEN_TYPE } from '../sts-proof.ts';
import type { IssuedToken } from '../token-exchange.ts';
import { createX509Assertion, X509_ASSERTION_TOKEN_TYPE } from '../x509-assertion.ts';
import { type BrokerChoiceOptions, brokerFailoverFor } from './broker-choice.ts';
import { unverifiedExpiry } from './jwt-expiry.ts';
import { type TokenProvider, TokenProviderSkipped } from './token-provider.ts';

export { discoverLoginAudience };

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

export interface BrokerProviderOptions extends BrokerChoiceOptions {
  readonly credentials?: CredentialSource;
  readonly endpoint?: StsEndpointChoice | StsEndpoint;
}

/**
 * Proves the caller's AWS identity to the broker and exchanges the proof for a token. With several
 * brokers, each attempt signs a new proof for the broker it goes to (../failover/).
 */
export function fromBrokerWithAwsCredentials(options: BrokerProviderOptions = {}): TokenProvider {
  const brokers = brokerFailoverFor(options);
  return async (audience) => {
    const failover = brokers();
    if (!failover) throw new TokenProviderSkipped('no broker URL (ROLEGATE_BROKER_URL)');
    return failover.exchange({
      audience,
      subjectTokenType: STS_PROOF_TOKEN_TYPE,
      subjectToken: ({ loginAudience }) =>
        createStsProof({
          audience: loginAudience,
          credentials: options.credentials,
          endpoint: options.endpoint,
        }),
    });
  };
}

export interface CertificateProviderOptions extends BrokerChoiceOptions {
  /** PEM certificate file (leaf first); ROLEGATE_CERT_FILE when omitted. Skips when neither. */
  readonly certificateFile?: string;
  /** PEM private key file; ROLEGATE_KEY_FILE when omitted. */
  readonly privateKeyFile?: string;
  /** PEM intermediates; ROLEGATE_CHAIN_FILE when omitted (optional). */
  readonly chainFile?: string;
  /** For an encrypted key; ROLEGATE_KEY_PASSPHRASE when omitted. */
  readonly passphrase?: string;
}

/**
 * Proves the workload's certificate to the broker (an X.509 assertion) and exchanges it for a
 * token. The files are read again for every token: certificate issuers such as SPIRE rotate them
 * often, and a token must never outlive the certificate it came from.
 */
export function fromBrokerWithCertificate(options: CertificateProviderOptions = {}): TokenProvider {
  const brokers = brokerFailoverFor(options);
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
    const failover = brokers();
    if (!failover) {
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
    const passphrase = options.passphrase ?? process.env.ROLEGATE_KEY_PASSPHRASE;
    // A new assertion (its own jti, the audience of the broker it goes to) for every attempt.
    return failover.exchange({
      audience,
      subjectTokenType: X509_ASSERTION_TOKEN_TYPE,
      subjectToken: ({ loginAudience }) =>
        createX509Assertion({
          audience: loginAudience,
          certificate,
          chain,
          privateKey,
          passphrase,
        }),
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
