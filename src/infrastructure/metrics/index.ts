export * from './catalog';
export { MetricsService, METER_NAME, type MetricsServiceOptions } from './metrics.service';
export { MetricsModule } from './metrics.module';
export type { StateGaugeSource } from './state-gauges';
