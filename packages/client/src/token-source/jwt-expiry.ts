// Reads `exp` from a JWT without verifying it — only to schedule refreshes of a token we were
// handed (explicit or from a file). Whoever receives the token verifies it.

export function unverifiedExpiry(token: string): Date | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp)
      ? new Date(claims.exp * 1000)
      : undefined;
  } catch {
    return undefined;
  }
}
