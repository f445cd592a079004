import { DynamicModule, Global, Module } from '@nestjs/common';
import { MetricsService, type MetricsServiceOptions } from './metrics.service';

/**
 * Provides MetricsService to every module. `forRoot` takes the service's options (the meter, where
 * warnings go); without them it records through the global meter that the preload installed.
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
