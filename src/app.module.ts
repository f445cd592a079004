import { DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { CACHE_STORE, CacheModule, type CacheStore } from '@infrastructure/cache';
import { DatabaseModule } from '@infrastructure/database';
import { LoggingModule } from '@infrastructure/logging/logging.module';
import { MetricsModule } from '@infrastructure/metrics';
import { TelemetryModule } from '@infrastructure/telemetry';
import { AuthModule } from './auth/auth.module';
import { CacheThrottlerStorage } from './common/throttling/cache-throttler.storage';
import { MetricsThrottlerGuard } from './common/throttling/metrics-throttler.guard';
import { ConfigModule, type AppConfig } from './config';
import { ContentModule } from './content/content.module';
import { HealthModule } from './health/health.module';
import { PaymentsModule } from './payments/payments.module';
import { ProfilesModule } from './profiles/profiles.module';

/**
 * The MyTelevision API. Built from a parsed configuration (src/config) so that tests build apps
 * with their own settings side by side: `NestFactory.create(AppModule.forRoot(config))`.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // Rejected label values and failing state reads are logged (throttled) as structured warnings.
        MetricsModule.forRoot({ warn: (msg, context) => new Logger('Metrics').warn({ ...context, msg }) }),
        TelemetryModule.forRoot({ metricsToken: config.metricsToken }),
        LoggingModule.forRoot({ level: config.logLevel }),
        DatabaseModule.forRoot(),
        CacheModule.forRoot(),
        ThrottlerModule.forRootAsync({
          inject: [CACHE_STORE],
          useFactory: (store: CacheStore) => ({
            throttlers: [{ name: 'default', ttl: config.throttle.ttlMs, limit: config.throttle.limit }],
            storage: new CacheThrottlerStorage(store),
          }),
        }),
        HealthModule,
        AuthModule,
        ContentModule,
        ProfilesModule,
        PaymentsModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: MetricsThrottlerGuard }],
    };
  }
}
