import type { CacheStore } from '@infrastructure/cache';

export interface LockoutPolicy {
  /** Consecutive failures that lock the account. */
  readonly maxFailures: number;
  /** How long the lock lasts; also the window in which failures count as consecutive. */
  readonly lockMs: number;
}

/**
 * Locks an account after `maxFailures` consecutive failed logins, for `lockMs`. State lives in the
 * shared CacheStore so the count holds across replicas. Keys use the normalised email, so unknown
 * emails are limited the same way (answers do not reveal which accounts exist).
 */
export class LoginLockout {
  constructor(
    private readonly store: CacheStore,
    private readonly policy: LockoutPolicy,
  ) {}

  async isLocked(email: string): Promise<boolean> {
    return (await this.store.get(this.lockKey(email))) !== null;
  }

  /** Counts one failure; returns true when this failure is the one that locks the account. */
  async recordFailure(email: string): Promise<boolean> {
    const { value } = await this.store.incr(this.failuresKey(email), this.policy.lockMs);
    if (value < this.policy.maxFailures) return false;
    await this.store.set(this.lockKey(email), '1', this.policy.lockMs);
    await this.store.del(this.failuresKey(email));
    return true;
  }

  async recordSuccess(email: string): Promise<void> {
    await this.store.del(this.failuresKey(email));
  }

  private failuresKey(email: string): string {
    return `login:failures:${normaliseEmail(email)}`;
  }

  private lockKey(email: string): string {
    return `login:lock:${normaliseEmail(email)}`;
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
