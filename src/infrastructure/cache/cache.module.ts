import { DynamicModule, Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { ThrottledWarning } from '../logging/throttled-warning';
import { CACHE_STORE, type CacheStore } from './cache-store';
import { MemoryStore } from './memory-store';
import { RedisStore } from './redis-store';

export function openCacheStore(config: AppConfig, logger: Logger): CacheStore {
  if (!config.redisUrl) return new MemoryStore();
  // While Redis is down ioredis reports every reconnect attempt: log once per interval.
  const warning = new ThrottledWarning((message, context) =>
    logger.error(`${message} ${JSON.stringify(context)}`),
  );
  return new RedisStore(
    config.redisUrl,
    (error) => warning.warn('redis', 'Redis connection error', { error: error.message }),
    config.redisPassword,
  );
}

/** Provides `CACHE_STORE` (inject with `@Inject(CACHE_STORE) store: CacheStore`) and closes it at shutdown. */
@Global()
@Module({})
export class CacheModule implements OnApplicationShutdown {
  constructor(@Inject(CACHE_STORE) private readonly store: CacheStore) {}

  static forRoot(): DynamicModule {
    return {
      module: CacheModule,
      providers: [
        {
          provide: CACHE_STORE,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => openCacheStore(config, new Logger('Cache')),
        },
      ],
      exports: [CACHE_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
