/**
 * The key-value store behind sessions, refresh tokens, login-failure counters and locks, rate
 * limiting and the active-session index. Redis (REDIS_URL) shares it across replicas; the in-process
 * implementation serves a single instance with no server installed. Both behave the same.
 */
export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** Stores `value`; with `ttlMs` the key disappears after that many milliseconds. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Removes `key` and returns its value in one step (two callers never both get it). */
  take(key: string): Promise<string | null>;
  /** true when the key existed. */
  del(key: string): Promise<boolean>;
  /** Remaining time to live in ms; null when the key is absent or never expires. */
  ttlMs(key: string): Promise<number | null>;
  /** Adds 1 and returns the new value; the first increment starts the key's `ttlMs` window. */
  incr(key: string, ttlMs: number): Promise<{ value: number; ttlMs: number }>;

  /** Set operations; return true when the set changed. */
  setAdd(key: string, member: string): Promise<boolean>;
  setRemove(key: string, member: string): Promise<boolean>;
  setMembers(key: string): Promise<string[]>;

  /** Sorted sets (member → score), used as expiry indexes: score = expiry in epoch ms. */
  sortedAdd(key: string, member: string, score: number): Promise<void>;
  sortedRemove(key: string, member: string): Promise<boolean>;
  /** Members whose score is > minScore. */
  sortedAbove(key: string, minScore: number): Promise<string[]>;
  /** Removes members whose score is <= maxScore; returns how many. */
  sortedPruneUpTo(key: string, maxScore: number): Promise<number>;

  /** Resolves when the store answers; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Nest injection token of the CacheStore. */
export const CACHE_STORE = Symbol('CACHE_STORE');
