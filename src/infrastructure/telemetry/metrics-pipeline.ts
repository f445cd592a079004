import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { CatalogueMetricProducer } from '../metrics/catalogue-producer';
import { MetricStore } from '../metrics/metric-store';
import { PROCESS_METER_NAME, registerProcessMetrics } from './process-metrics';
import type { TelemetryConfig } from './telemetry-config';

export interface MetricsPipeline {
  readonly metricStore: MetricStore;
  readonly prometheus?: PrometheusExporter;
  shutdown(): Promise<void>;
}

/**
 * One metric reader (SPEC §2.3): pull — the app serves GET /metrics from the Prometheus reader
 * plus the catalogue store — or push — the catalogue goes by OTLP beside the process metrics.
 */
export function startMetrics(config: TelemetryConfig, resource: Resource): MetricsPipeline {
  const metricStore = new MetricStore();
  if (config.metricsExporter === 'none') return { metricStore, shutdown: async () => undefined };
  let reader: IMetricReader;
  let prometheus: PrometheusExporter | undefined;
  if (config.metricsExporter === 'prometheus') {
    reader = prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  } else {
    reader = new PeriodicExportingMetricReader({
      exporter: otlpMetricExporter(config),
      metricProducers: [new CatalogueMetricProducer(metricStore)],
      exportIntervalMillis: config.metricExportIntervalMs,
      exportTimeoutMillis: Math.min(10_000, config.metricExportIntervalMs),
    });
  }
  const provider = new MeterProvider({
    resource,
    readers: [reader],
    // A flood of new attribute sets folds into one overflow series instead of growing memory.
    // (The catalogue's own series are bounded by MetricStore: closed sets, route templates.)
    views: [{ meterName: PROCESS_METER_NAME, aggregationCardinalityLimit: config.cardinalityLimit }],
  });
  metrics.setGlobalMeterProvider(provider);
  const stopProcessMetrics = registerProcessMetrics(provider.getMeter(PROCESS_METER_NAME));
  return {
    metricStore,
    prometheus,
    async shutdown() {
      stopProcessMetrics();
      await provider.shutdown();
    },
  };
}

// Loaded on demand: only one protocol is used, and the gRPC stack is heavy to load.
/* eslint-disable @typescript-eslint/no-require-imports */
function otlpMetricExporter(config: TelemetryConfig): PushMetricExporter {
  const { OTLPMetricExporter } =
    config.otlpProtocol === 'grpc'
      ? require('@opentelemetry/exporter-metrics-otlp-grpc')
      : require('@opentelemetry/exporter-metrics-otlp-proto');
  return new OTLPMetricExporter();
}
/* eslint-enable @typescript-eslint/no-require-imports */
