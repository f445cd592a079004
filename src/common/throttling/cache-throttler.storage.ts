import { Inject, Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { CACHE_STORE, type CacheStore } from '@infrastructure/cache';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Rate-limit counters in the shared CacheStore, so a limit holds across replicas when Redis is
 * configured. A fixed window per key: the first hit starts a `ttl` window; past `limit` the key is
 * blocked for `blockDuration` and further hits are not counted until the block ends.
 */
@Injectable()
export class CacheThrottlerStorage implements ThrottlerStorage {
  constructor(@Inject(CACHE_STORE) private readonly store: CacheStore) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const base = `throttle:${throttlerName}:${key}`;
    const blockedFor = await this.store.ttlMs(`${base}:blocked`);
    if (blockedFor !== null && blockedFor > 0) {
      return {
        totalHits: limit + 1,
        timeToExpire: seconds(blockedFor),
        isBlocked: true,
        timeToBlockExpire: seconds(blockedFor),
      };
    }
    const { value, ttlMs } = await this.store.incr(`${base}:hits`, ttl);
    if (value > limit) {
      const block = blockDuration > 0 ? blockDuration : ttlMs;
      await this.store.set(`${base}:blocked`, '1', block);
      return {
        totalHits: value,
        timeToExpire: seconds(ttlMs),
        isBlocked: true,
        timeToBlockExpire: seconds(block),
      };
    }
    return { totalHits: value, timeToExpire: seconds(ttlMs), isBlocked: false, timeToBlockExpire: 0 };
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
