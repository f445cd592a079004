import { DynamicModule, Global, Module } from '@nestjs/common';
import { getTelemetryRuntime } from '../telemetry/telemetry-runtime';
import { MetricsService, type MetricsServiceOptions } from './metrics.service';

/**
 * Provides MetricsService to every module. `forRoot` takes the service's options (the store, where
 * warnings go); by default it records into the store the `--require` preload's reader collects.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsServiceOptions = {}): DynamicModule {
    return {
      module: MetricsModule,
      providers: [
        {
          provide: MetricsService,
          useFactory: () => new MetricsService({ store: getTelemetryRuntime()?.metricStore, ...options }),
        },
      ],
      exports: [MetricsService],
    };
  }
}
