/**
 * What every request of a traffic run goes through: the two bounds (request count and deadline),
 * optional pacing, counting by route template and status, and back-off on 429. Scenarios never
 * call the ApiClient without `call`, so a run cannot exceed its bounds.
 */
import type { ApiClient, ApiResponse } from './api-client.ts';

/** Thrown by `call` once the run is over; workers stop on it. */
export class StopRun extends Error {
  constructor() {
    super('traffic run is over');
  }
}

/** A request that got no HTTP answer (connection refused, reset…); counted, then the worker goes on. */
export class NoResponse extends Error {}

export type StopReason = 'requests' | 'duration' | 'signal';

/** How often each route template answered each status ('error': no answer, 'aborted': cut by the deadline). */
export type RouteCounts = Map<string, Map<string, number>>;

/** First back-off after a 429 on a route, doubled on each further 429, capped. */
const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 5_000;

export interface RunContextOptions {
  readonly client: ApiClient;
  readonly maxRequests: number;
  /** Aborted when the run must end (deadline or caller's signal); also cancels requests in flight. */
  readonly abort: AbortController;
  /** Requests per second over all workers; undefined: as fast as the API answers. */
  readonly ratePerSecond?: number;
  readonly random: () => number;
}

export class RunContext {
  readonly client: ApiClient;
  readonly random: () => number;
  readonly counts: RouteCounts = new Map();
  readonly errorMessages = new Set<string>();
  /** Scenario-wide state shared by the workers (e.g. the brute-force targets), by key. */
  readonly shared = new Map<string, unknown>();
  sent = 0;
  errors = 0;
  rateLimited = 0;
  stopReason: StopReason | undefined;
  private readonly maxRequests: number;
  private readonly abort: AbortController;
  private readonly intervalMs: number;
  private nextSlotAt = 0;
  private readonly cooldowns = new Map<string, { until: number; backoffMs: number }>();

  constructor(options: RunContextOptions) {
    this.client = options.client;
    this.maxRequests = options.maxRequests;
    this.abort = options.abort;
    this.random = options.random;
    this.intervalMs = options.ratePerSecond ? 1000 / options.ratePerSecond : 0;
  }

  get stopped(): boolean {
    return this.stopReason !== undefined || this.abort.signal.aborted;
  }

  stop(reason: StopReason): void {
    this.stopReason ??= reason;
  }

  /** One request, counted under `METHOD template`; throws StopRun when a bound is reached. */
  async call<T>(
    method: string,
    template: string,
    send: () => Promise<ApiResponse<T>>,
  ): Promise<ApiResponse<T>> {
    // Honour a 429 on this route first (every caller, including logins inside other actions).
    while (this.coolingDown(template) && !this.stopped) await this.waitForCooldown([template]);
    if (this.stopped) throw new StopRun();
    await this.pace();
    if (this.stopped) throw new StopRun();
    if (this.sent >= this.maxRequests) {
      this.stop('requests');
      throw new StopRun();
    }
    this.sent += 1;
    const key = `${method} ${template}`;
    let res: ApiResponse<T>;
    try {
      res = await send();
    } catch (error) {
      if (this.abort.signal.aborted) {
        this.count(key, 'aborted');
        throw new StopRun();
      }
      this.errors += 1;
      this.count(key, 'error');
      const message =
        error instanceof Error
          ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
          : String(error);
      if (this.errorMessages.size < 5) this.errorMessages.add(`${key}: ${message}`);
      throw new NoResponse(message);
    }
    this.count(key, String(res.status));
    if (res.status === 429) {
      this.rateLimited += 1;
      const previous = this.cooldowns.get(template);
      const backoffMs = previous ? Math.min(BACKOFF_MAX_MS, previous.backoffMs * 2) : BACKOFF_START_MS;
      this.cooldowns.set(template, { until: Date.now() + backoffMs, backoffMs });
    } else {
      this.cooldowns.delete(template);
    }
    return res;
  }

  /** True while a 429 on this route template asks clients to wait. */
  coolingDown(template: string): boolean {
    const c = this.cooldowns.get(template);
    return c !== undefined && c.until > Date.now();
  }

  /** Waits until the first of these routes may be called again (or the run ends). */
  async waitForCooldown(templates: readonly string[]): Promise<void> {
    const ends = templates.map((t) => this.cooldowns.get(t)?.until ?? 0);
    await this.sleep(Math.max(0, Math.min(...ends) - Date.now()));
  }

  /** Sleeps `ms`, or less when the run ends meanwhile. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** A value of `items` (uniform). */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  /** A shuffled copy of `items` (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.random() < p;
  }

  private count(key: string, status: string): void {
    let byStatus = this.counts.get(key);
    if (!byStatus) this.counts.set(key, (byStatus = new Map<string, number>()));
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  /** Spreads requests evenly at `ratePerSecond` over all workers (a shared slot clock). */
  private async pace(): Promise<void> {
    if (!this.intervalMs) return;
    const now = Date.now();
    const slot = Math.max(this.nextSlotAt, now);
    this.nextSlotAt = slot + this.intervalMs;
    await this.sleep(slot - now);
  }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence of choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
