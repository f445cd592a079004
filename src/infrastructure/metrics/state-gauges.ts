import type { AccessType } from './catalog';

/**
 * Where the state gauges (active sessions, active users, premium subscribers) are read from at
 * collection time: the database and the session store, so that they survive restarts and agree
 * across replicas. Implemented by the domain (see src/auth/account-state.source.ts).
 */
export interface StateGaugeSource {
  activeSessions(): Promise<number>;
  activeUsers(): Promise<Readonly<Record<AccessType, number>>>;
  premiumSubscribers(): Promise<number>;
}

export interface CachedReadOptions {
  /** How long a read value is reused, so that frequent scrapes do not hit the database. */
  readonly ttlMs: number;
  /** A read slower than this is abandoned for this collection: the gauge is skipped, never awaited. */
  readonly timeoutMs: number;
}

export const DEFAULT_STATE_READ: CachedReadOptions = { ttlMs: 5_000, timeoutMs: 250 };

/**
 * One state read with a cache and a timeout. A failing or slow source yields `undefined` (the gauge
 * is left out of that scrape) and reports the error through `onError`; it never throws or stalls.
 */
export class CachedRead<T> {
  private value: T | undefined;
  private readAt = -Infinity;
  private inFlight: Promise<T> | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly options: CachedReadOptions,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async get(): Promise<T | undefined> {
    if (this.value !== undefined && this.now() - this.readAt < this.options.ttlMs) return this.value;
    // One read at a time: a scrape arriving while a slow read is pending waits on the same read.
    this.inFlight ??= this.read().then(
      (value) => {
        this.value = value;
        this.readAt = this.now();
        return value;
      },
      (error: unknown) => {
        this.value = undefined;
        throw error;
      },
    );
    const pending = this.inFlight;
    pending.then(
      () => (this.inFlight = undefined),
      () => (this.inFlight = undefined),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.options.timeoutMs);
      timer.unref();
    });
    try {
      const result = await Promise.race([pending, timeout]);
      if (result === undefined) this.onError(new Error(`state read exceeded ${this.options.timeoutMs} ms`));
      return result;
    } catch (error) {
      this.onError(error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
