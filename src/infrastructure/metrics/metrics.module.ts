import { DynamicModule, Global, Module } from '@nestjs/common';
import { MetricsService, type MetricsServiceOptions } from './metrics.service';

/**
 * Provides MetricsService to every module. `forRoot` takes the service's options (the meter, where
 * warnings go); by default its instruments come from the global MeterProvider the `--require`
 * preload registered, so the preload's one metric reader (pull or push) collects them.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsServiceOptions = {}): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: MetricsService, useFactory: () => new MetricsService(options) }],
      exports: [MetricsService],
    };
  }
}
