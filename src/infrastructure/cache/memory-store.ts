import type { CacheStore } from './cache-store';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * In-process CacheStore for a single instance (no REDIS_URL). Expired keys are dropped when read
 * and by a periodic sweep, so memory stays bounded by the live keys. Every operation completes
 * synchronously; the methods return settled promises because the interface is Redis's.
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

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.live(key)?.value ?? null);
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.values.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : this.now() + ttlMs });
    return Promise.resolve();
  }

  take(key: string): Promise<string | null> {
    const entry = this.live(key);
    this.values.delete(key);
    return Promise.resolve(entry?.value ?? null);
  }

  del(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined || this.sets.has(key) || this.sorted.has(key);
    this.values.delete(key);
    this.sets.delete(key);
    this.sorted.delete(key);
    return Promise.resolve(existed);
  }

  ttlMs(key: string): Promise<number | null> {
    const entry = this.live(key);
    return Promise.resolve(entry && entry.expiresAt !== Infinity ? entry.expiresAt - this.now() : null);
  }

  incr(key: string, ttlMs: number): Promise<{ value: number; ttlMs: number }> {
    const entry = this.live(key);
    const value = (entry ? Number(entry.value) || 0 : 0) + 1;
    const expiresAt = entry && entry.expiresAt !== Infinity ? entry.expiresAt : this.now() + ttlMs;
    this.values.set(key, { value: String(value), expiresAt });
    return Promise.resolve({ value, ttlMs: expiresAt - this.now() });
  }

  setAdd(key: string, member: string): Promise<boolean> {
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = new Set<string>()));
    const added = !set.has(member);
    set.add(member);
    return Promise.resolve(added);
  }

  setRemove(key: string, member: string): Promise<boolean> {
    const set = this.sets.get(key);
    const removed = set?.delete(member) ?? false;
    if (set && set.size === 0) this.sets.delete(key);
    return Promise.resolve(removed);
  }

  setMembers(key: string): Promise<string[]> {
    return Promise.resolve([...(this.sets.get(key) ?? [])]);
  }

  sortedAdd(key: string, member: string, score: number): Promise<void> {
    let z = this.sorted.get(key);
    if (!z) this.sorted.set(key, (z = new Map<string, number>()));
    z.set(member, score);
    return Promise.resolve();
  }

  sortedRemove(key: string, member: string): Promise<boolean> {
    return Promise.resolve(this.sorted.get(key)?.delete(member) ?? false);
  }

  sortedAbove(key: string, minScore: number): Promise<string[]> {
    const z = this.sorted.get(key);
    const members = [...(z ?? [])].filter(([, score]) => score > minScore).map(([member]) => member);
    return Promise.resolve(members);
  }

  sortedPruneUpTo(key: string, maxScore: number): Promise<number> {
    const z = this.sorted.get(key) ?? new Map<string, number>();
    let removed = 0;
    for (const [member, score] of z) {
      if (score <= maxScore) {
        z.delete(member);
        removed++;
      }
    }
    return Promise.resolve(removed);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    return Promise.resolve();
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
