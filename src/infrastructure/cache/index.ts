export { CACHE_STORE, type CacheStore } from './cache-store';
export { CacheModule, openCacheStore } from './cache.module';
export { MemoryStore } from './memory-store';
export { RedisStore } from './redis-store';
