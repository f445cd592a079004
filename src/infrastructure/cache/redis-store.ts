import Redis from 'ioredis';
import type { CacheStore } from './cache-store';

/** INCR that starts the key's expiry window on the first increment, atomically. */
const INCR_WITH_TTL = `
local value = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {value, ttl}`;

/** CacheStore over Redis (REDIS_URL), shared by every replica. */
export class RedisStore implements CacheStore {
  readonly kind = 'redis' as const;
  private readonly client: Redis;

  constructor(url: string, onError: (error: Error) => void, password?: string) {
    // Fail a command quickly while Redis is unreachable instead of queueing requests behind it;
    // the client keeps reconnecting in the background.
    // A password in the URL wins; otherwise the one from REDIS_PASSWORD(_FILE) with the URL's user.
    // ioredis lets the URL's (empty) password override the options: the credentials move to options.
    const parsed = new URL(url);
    const credentials =
      password && !parsed.password
        ? { username: decodeURIComponent(parsed.username) || undefined, password }
        : {};
    if (credentials.password) parsed.username = '';
    this.client = new Redis(credentials.password ? parsed.toString() : url, {
      maxRetriesPerRequest: 1,
      connectTimeout: 5_000,
      enableAutoPipelining: true,
      ...credentials,
    });
    this.client.on('error', onError);
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.client.set(key, value);
    else await this.client.set(key, value, 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async take(key: string): Promise<string | null> {
    return this.client.getdel(key);
  }

  async del(key: string): Promise<boolean> {
    return (await this.client.del(key)) > 0;
  }

  async ttlMs(key: string): Promise<number | null> {
    const ttl = await this.client.pttl(key);
    return ttl >= 0 ? ttl : null;
  }

  async incr(key: string, ttlMs: number): Promise<{ value: number; ttlMs: number }> {
    const [value, ttl] = (await this.client.eval(INCR_WITH_TTL, 1, key, Math.max(1, Math.round(ttlMs)))) as [
      number,
      number,
    ];
    return { value: Number(value), ttlMs: Number(ttl) };
  }

  async setAdd(key: string, member: string): Promise<boolean> {
    return (await this.client.sadd(key, member)) > 0;
  }

  async setRemove(key: string, member: string): Promise<boolean> {
    return (await this.client.srem(key, member)) > 0;
  }

  async setMembers(key: string): Promise<string[]> {
    return this.client.smembers(key);
  }

  async sortedAdd(key: string, member: string, score: number): Promise<void> {
    await this.client.zadd(key, score, member);
  }

  async sortedRemove(key: string, member: string): Promise<boolean> {
    return (await this.client.zrem(key, member)) > 0;
  }

  async sortedAbove(key: string, minScore: number): Promise<string[]> {
    return this.client.zrangebyscore(key, `(${minScore}`, '+inf');
  }

  async sortedPruneUpTo(key: string, maxScore: number): Promise<number> {
    return this.client.zremrangebyscore(key, '-inf', maxScore);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    // QUIT would wait in the offline queue while Redis is unreachable: only ask a live connection.
    if (this.client.status === 'ready') await this.client.quit().catch(() => undefined);
    this.client.disconnect();
  }
}
