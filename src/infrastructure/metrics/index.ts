export * from './catalog';
export { MetricsService, type MetricsServiceOptions } from './metrics.service';
export { MetricsModule } from './metrics.module';
export { METER_NAME } from './meter';
export { MetricStore, type MetricStoreOptions } from './metric-store';
export { CatalogueMetricProducer } from './catalogue-producer';
export { PrometheusTextSerializer } from './prometheus-text';
export type { StateGaugeSource } from './state-gauges';
