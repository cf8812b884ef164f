// What a gateway primary and its workers say to each other over the cluster IPC channel. Every
// message is tagged `rolegate: 'gateway'`, so prom-client's own metrics messages on the same
// channel pass by, and anything malformed is ignored rather than trusted.

export const TAG = 'gateway';

/** Worker → primary. */
export type WorkerMessage =
  | { readonly rolegate: typeof TAG; readonly type: 'listening'; readonly urls: string[] }
  | {
      readonly rolegate: typeof TAG;
      readonly type: 'replay';
      readonly id: number;
      readonly op: 'seen' | 'claim';
      readonly key: string;
      readonly expiresAtMs: number;
      /** The confirmed account a claim is charged to (the per-account quota). */
      readonly account?: string;
    }
  | {
      readonly rolegate: typeof TAG;
      readonly type: 'ready';
      readonly id: number;
      readonly ready: boolean;
    };

/** Primary → worker. */
export type PrimaryMessage =
  | {
      readonly rolegate: typeof TAG;
      readonly type: 'replay-result';
      readonly id: number;
      readonly result?: boolean;
      /**
       * `full`: the used-proof memory is full (503); `quota`: the account holds its quota (429,
       * after `retryAfterSeconds`); `failed`: anything else (503).
       */
      readonly error?: 'full' | 'quota' | 'failed';
      readonly retryAfterSeconds?: number;
    }
  | { readonly rolegate: typeof TAG; readonly type: 'ready?'; readonly id: number };

function tagged(message: unknown): message is { rolegate: string; type: unknown; id?: unknown } {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { rolegate?: unknown }).rolegate === TAG
  );
}

export function asWorkerMessage(message: unknown): WorkerMessage | undefined {
  if (!tagged(message)) return undefined;
  const m = message as Record<string, unknown>;
  switch (m['type']) {
    case 'listening':
      return Array.isArray(m['urls']) && m['urls'].every((u) => typeof u === 'string')
        ? (m as unknown as WorkerMessage)
        : undefined;
    case 'replay':
      return Number.isSafeInteger(m['id']) &&
        (m['op'] === 'seen' || m['op'] === 'claim') &&
        typeof m['key'] === 'string' &&
        typeof m['expiresAtMs'] === 'number' &&
        (m['account'] === undefined || typeof m['account'] === 'string')
        ? (m as unknown as WorkerMessage)
        : undefined;
    case 'ready':
      return Number.isSafeInteger(m['id']) && typeof m['ready'] === 'boolean'
        ? (m as unknown as WorkerMessage)
        : undefined;
    default:
      return undefined;
  }
}

export function asPrimaryMessage(message: unknown): PrimaryMessage | undefined {
  if (!tagged(message)) return undefined;
  const m = message as Record<string, unknown>;
  if (m['type'] === 'replay-result' && Number.isSafeInteger(m['id'])) {
    return m as unknown as PrimaryMessage;
  }
  if (m['type'] === 'ready?' && Number.isSafeInteger(m['id']))
    return m as unknown as PrimaryMessage;
  return undefined;
}
