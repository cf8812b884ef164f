// Holds every trust source and swaps in a new version of one when its files change (watched) or
// on SIGHUP. A new version is fully loaded and validated first; if it fails, the error is logged
// and the previous version keeps serving, so a half-written bundle never leaves the broker
// trusting nothing — or trusting something it should not.
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import {
  loadTrustSource,
  type TrustSource,
  type TrustSourceConfig,
  type TrustSourceKind,
} from './trust-source.ts';

const key = (kind: TrustSourceKind, name: string) => `${kind}:${name}`;

export class TrustStore {
  readonly #configs: ReadonlyMap<string, TrustSourceConfig>;
  readonly #current = new Map<string, TrustSource>();
  readonly #logger: Logger;
  readonly #watchers: FSWatcher[] = [];
  readonly #pending = new Map<string, NodeJS.Timeout>();
  #generation = 0;
  readonly #onSighup = () => {
    for (const k of this.#configs.keys()) this.reload(k, 'SIGHUP');
  };

  /** Loads every source; throws the first TrustSourceError (the broker must not start). */
  constructor(configs: readonly TrustSourceConfig[], logger: Logger) {
    this.#configs = new Map(configs.map((c) => [key(c.kind, c.name), c]));
    this.#logger = logger;
    for (const [k, config] of this.#configs) {
      const source = loadTrustSource(config);
      this.#current.set(k, source);
      this.#describe(source, 'trust source loaded');
    }
  }

  /** Goes up whenever a source is replaced: what was decided with an older one must be redone. */
  get generation(): number {
    return this.#generation;
  }

  trustDomain(name: string): TrustSource | undefined {
    return this.#current.get(key('trustDomain', name));
  }

  /** Plain (non-SPIFFE) trust anchors, each with its own name. */
  trustAnchors(): TrustSource[] {
    return [...this.#current.values()].filter((s) => s.kind === 'trustAnchor');
  }

  /** Re-reads one source's files; returns whether the new version was taken. */
  reload(sourceKey: string, reason: string): boolean {
    const config = this.#configs.get(sourceKey);
    if (config === undefined) return false;
    try {
      const source = loadTrustSource(config);
      this.#current.set(sourceKey, source);
      this.#generation++;
      this.#describe(source, `trust source reloaded (${reason})`);
      return true;
    } catch (error) {
      this.#logger.error(
        { source: sourceKey, reason, err: error },
        'trust source reload refused; the previous version keeps serving',
      );
      return false;
    }
  }

  /** Follows changes to every source file (watching its folder: editors and tools replace files). */
  watch(): void {
    const byFolder = new Map<string, Map<string, Set<string>>>();
    for (const [k, config] of this.#configs) {
      for (const file of [config.bundleFile, config.caFile, ...config.crlFiles]) {
        if (file === undefined) continue;
        const names = byFolder.get(dirname(file)) ?? new Map<string, Set<string>>();
        byFolder.set(dirname(file), names);
        const sources = names.get(basename(file)) ?? new Set<string>();
        names.set(basename(file), sources);
        sources.add(k);
      }
    }
    for (const [folder, names] of byFolder) {
      const watcher = watch(folder, (_event, file) => {
        for (const k of (file && names.get(file.toString())) || []) this.#schedule(k);
      });
      watcher.on('error', (err) =>
        this.#logger.error({ folder, err }, 'trust source watch failed'),
      );
      this.#watchers.push(watcher);
    }
    process.on('SIGHUP', this.#onSighup);
  }

  close(): void {
    for (const timer of this.#pending.values()) clearTimeout(timer);
    for (const watcher of this.#watchers) watcher.close();
    process.off('SIGHUP', this.#onSighup);
  }

  // Writers fire several events per change (truncate, write, rename): settle first.
  #schedule(sourceKey: string): void {
    clearTimeout(this.#pending.get(sourceKey));
    this.#pending.set(
      sourceKey,
      setTimeout(() => {
        this.#pending.delete(sourceKey);
        this.reload(sourceKey, 'file change');
      }, 100),
    );
  }

  #describe(source: TrustSource, message: string): void {
    const log = source.anchors.length === 0 ? this.#logger.warn : this.#logger.info;
    log.call(
      this.#logger,
      {
        source: key(source.kind, source.name),
        anchors: source.anchors.length,
        jwt_keys: source.jwtAuthorities.size,
        crls: source.crls.size,
        sequence: source.sequence,
      },
      source.anchors.length === 0
        ? `${message}: no X.509 authorities, every certificate refused`
        : message,
    );
  }
}
