// Holds the current key ring and swaps in a new one when keyring.json changes (file watch) or on
// SIGHUP — without a restart. A ring that fails to load, or whose active key fails a signing
// self-test, is refused and the previous ring keeps serving: the broker never signs with a key
// that is not active and usable.
import { type FSWatcher, watch } from 'node:fs';
import type { Logger } from 'pino';
import { KeyRing, type RingSeed } from './key-ring.ts';
import type { KmsKeySource } from './kms-signer.ts';

export class KeyRingHolder {
  #current: KeyRing;
  #watcher?: FSWatcher;
  #pending?: NodeJS.Timeout;
  #reloading: Promise<boolean> = Promise.resolve(true);
  readonly #onSighup = () => void this.reload('SIGHUP');

  private constructor(
    readonly dir: string,
    private readonly seed: RingSeed,
    private readonly selfTest: (ring: KeyRing) => Promise<void>,
    private readonly logger: Logger,
    private readonly kms: KmsKeySource | undefined,
    ring: KeyRing,
  ) {
    this.#current = ring;
  }

  static async open(options: {
    dir: string;
    /** How the ring is made if keyring.json does not exist yet. */
    seed: RingSeed;
    selfTest: (ring: KeyRing) => Promise<void>;
    logger: Logger;
    /** Where KMS keys named by the ring are reached. */
    kms?: KmsKeySource;
  }): Promise<KeyRingHolder> {
    const ring = await KeyRing.load(options.dir, options.seed, options.kms);
    await options.selfTest(ring);
    return new KeyRingHolder(
      options.dir,
      options.seed,
      options.selfTest,
      options.logger,
      options.kms,
      ring,
    );
  }

  get current(): KeyRing {
    return this.#current;
  }

  /** Starts following keyring.json edits and SIGHUP. */
  watch(): void {
    this.#watcher = watch(this.dir, (_event, file) => {
      if (file !== 'keyring.json') return;
      // Editors and our own atomic rename fire several events: settle first.
      clearTimeout(this.#pending);
      this.#pending = setTimeout(() => void this.reload('file change'), 100);
    });
    process.on('SIGHUP', this.#onSighup);
  }

  /** Loads the ring again; returns whether the new ring was taken. */
  reload(reason: string): Promise<boolean> {
    this.#reloading = this.#reloading.then(async () => {
      try {
        const ring = await KeyRing.load(this.dir, this.seed, this.kms);
        await this.selfTest(ring);
        const before = this.#current.active.kid;
        this.#current = ring;
        this.logger.info(
          { reason, active: ring.active.kid, previous: before, keys: ring.keys.length },
          'key ring reloaded',
        );
        return true;
      } catch (error) {
        this.logger.error(
          { reason, err: error },
          'key ring reload refused; the previous ring keeps serving',
        );
        return false;
      }
    });
    return this.#reloading;
  }

  close(): void {
    clearTimeout(this.#pending);
    this.#watcher?.close();
    process.off('SIGHUP', this.#onSighup);
  }
}
