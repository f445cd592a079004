export * from './catalog';
export { MetricsService, type MetricsServiceOptions } from './metrics.service';
export { MetricsModule } from './metrics.module';
export { METER_NAME } from './meter';
export { MAX_HTTP_SERIES } from './http-label-sets';
export type { StateGaugeSource } from './state-gauges';
