export * from './catalog';
export { MetricsService, type MetricsServiceOptions } from './metrics.service';
export { METER_NAME } from './meter';
export { MetricsModule } from './metrics.module';
export type { StateGaugeSource } from './state-gauges';
