import type { CacheStore } from './cache-store';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * In-process CacheStore for a single instance (no REDIS_URL). Expired keys are dropped when read
 * and by a periodic sweep, so memory stays bounded by the live keys.
 */
export class MemoryStore implements CacheStore {
  readonly kind = 'memory' as const;
  private readonly values = new Map<string, Entry>();
  private readonly sets = new Map<string, Set<string>>();
  private readonly sorted = new Map<string, Map<string, number>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly now: () => number = Date.now,
    sweepIntervalMs = 30_000,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.values.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : this.now() + ttlMs });
  }

  async take(key: string): Promise<string | null> {
    const entry = this.live(key);
    this.values.delete(key);
    return entry?.value ?? null;
  }

  async del(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined || this.sets.has(key) || this.sorted.has(key);
    this.values.delete(key);
    this.sets.delete(key);
    this.sorted.delete(key);
    return existed;
  }

  async ttlMs(key: string): Promise<number | null> {
    const entry = this.live(key);
    return entry && entry.expiresAt !== Infinity ? entry.expiresAt - this.now() : null;
  }

  async incr(key: string, ttlMs: number): Promise<{ value: number; ttlMs: number }> {
    const entry = this.live(key);
    const value = (entry ? Number(entry.value) || 0 : 0) + 1;
    const expiresAt = entry && entry.expiresAt !== Infinity ? entry.expiresAt : this.now() + ttlMs;
    this.values.set(key, { value: String(value), expiresAt });
    return { value, ttlMs: expiresAt - this.now() };
  }

  async setAdd(key: string, member: string): Promise<boolean> {
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = new Set()));
    const added = !set.has(member);
    set.add(member);
    return added;
  }

  async setRemove(key: string, member: string): Promise<boolean> {
    const set = this.sets.get(key);
    const removed = set?.delete(member) ?? false;
    if (set && set.size === 0) this.sets.delete(key);
    return removed;
  }

  async setMembers(key: string): Promise<string[]> {
    return [...(this.sets.get(key) ?? [])];
  }

  async sortedAdd(key: string, member: string, score: number): Promise<void> {
    let z = this.sorted.get(key);
    if (!z) this.sorted.set(key, (z = new Map()));
    z.set(member, score);
  }

  async sortedRemove(key: string, member: string): Promise<boolean> {
    return this.sorted.get(key)?.delete(member) ?? false;
  }

  async sortedAbove(key: string, minScore: number): Promise<string[]> {
    const z = this.sorted.get(key);
    if (!z) return [];
    return [...z].filter(([, score]) => score > minScore).map(([member]) => member);
  }

  async sortedPruneUpTo(key: string, maxScore: number): Promise<number> {
    const z = this.sorted.get(key);
    if (!z) return 0;
    let removed = 0;
    for (const [member, score] of z) {
      if (score <= maxScore) {
        z.delete(member);
        removed++;
      }
    }
    return removed;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private live(key: string): Entry | undefined {
    const entry = this.values.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.values.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.values) if (entry.expiresAt <= now) this.values.delete(key);
  }
}
