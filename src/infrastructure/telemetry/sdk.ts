import { createNoopMeter, metrics, type MeterProvider } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  PeriodicExportingMetricReader,
  type IMetricReader,
  type PushMetricExporter,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage } from 'node:http';
import { CatalogueMetricProducer } from '../metrics/catalogue-producer';
import { MetricStore } from '../metrics/metric-store';
import { PROCESS_METER_NAME, registerProcessMetrics } from './process-metrics';
import type { TelemetryConfig } from './telemetry-config';
import type { TelemetryRuntime } from './telemetry-runtime';

// Incubating semantic-convention keys, spelled out: the stable entry point does not export them.
const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

/**
 * Builds and starts the OpenTelemetry SDK for the API: one metric reader (pull or push), OTLP
 * traces to the Collector, and the instrumentations of what the API runs on.
 */
export function startTelemetry(config: TelemetryConfig): TelemetryRuntime {
  // The catalogue lives outside the SDK's instruments (see MetricStore): pull mode renders it at
  // GET /metrics beside the reader's own metrics, push mode hands it to the reader as a producer.
  const metricStore = new MetricStore();
  const prometheus =
    config.metricsExporter === 'prometheus'
      ? new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true })
      : undefined;
  const readers: IMetricReader[] = [];
  if (prometheus) readers.push(prometheus);
  if (config.metricsExporter === 'otlp') {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: otlpMetricExporter(config),
        metricProducers: [new CatalogueMetricProducer(metricStore)],
        exportIntervalMillis: config.metricExportIntervalMs,
        exportTimeoutMillis: Math.min(10_000, config.metricExportIntervalMs),
      }),
    );
  }

  const instruments = instrumentations(config);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.serviceName,
      [ATTR_SERVICE_VERSION]: config.serviceVersion,
      [ATTR_SERVICE_INSTANCE_ID]: config.serviceInstanceId,
      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: config.deploymentEnvironment,
    }),
    // OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME (envDetector) win over the defaults above. The
    // host detector is left out: its attributes settle asynchronously (a warning at the first
    // export) and service.instance.id already names the process.
    resourceDetectors: [envDetector],
    metricReaders: readers,
    views: cardinalityViews(config),
    ...(config.tracesExporter === 'otlp' ? { traceExporter: otlpTraceExporter(config) } : { spanProcessors: [] }),
    // No logs pipeline: the API logs to stdout (pino) with trace ids in each line.
    logRecordProcessors: [],
    instrumentations: instruments,
  });
  sdk.start();

  // The instrumentations would record their own HTTP/DB duration histograms on every request,
  // doubling the per-request cost: the catalogue's HTTP metrics and the Collector's span metrics
  // give the same RED figures, so the instrumentations record spans only.
  const noMetrics: MeterProvider = { getMeter: () => createNoopMeter() };
  for (const instrumentation of instruments) instrumentation.setMeterProvider(noMetrics);

  const stopProcessMetrics =
    readers.length > 0 ? registerProcessMetrics(metrics.getMeter(PROCESS_METER_NAME)) : () => undefined;

  let stopping: Promise<void> | undefined;
  return {
    metricStore,
    prometheus,
    shutdown() {
      stopping ??= (async () => {
        stopProcessMetrics();
        await sdk.shutdown();
      })();
      return stopping;
    },
  };
}

/**
 * A flood of new label values folds into one overflow series per instrument instead of growing
 * memory. (The catalogue's own series are bounded by MetricStore: closed sets, route templates.)
 */
function cardinalityViews(config: TelemetryConfig): ViewOptions[] {
  return [{ meterName: PROCESS_METER_NAME, aggregationCardinalityLimit: config.cardinalityLimit }];
}

/**
 * Explicit instrumentations rather than @opentelemetry/auto-instrumentations-node: that package
 * loads all of its ~40 instrumentations at require time (about 330 ms here against 115 ms for these
 * six), and the API needs these only. fs, dns and net stay off: one span per syscall is noise.
 */
function instrumentations(config: TelemetryConfig) {
  const untraced = (req: IncomingMessage) => {
    const url = req.url ?? '';
    return config.untracedPathPrefixes.some((prefix) => url.startsWith(prefix));
  };
  return [
    new HttpInstrumentation({ ignoreIncomingRequestHook: untraced }),
    new ExpressInstrumentation(),
    new NestInstrumentation(),
    new PgInstrumentation({ enhancedDatabaseReporting: false }),
    new IORedisInstrumentation(),
    // Trace ids go into the log lines; the log records themselves are not sent anywhere.
    new PinoInstrumentation({ disableLogSending: true }),
  ];
}

// Exporters are loaded on demand: only one protocol is used, and the gRPC stack is heavy to load.
/* eslint-disable @typescript-eslint/no-require-imports */
function otlpTraceExporter(config: TelemetryConfig) {
  const { OTLPTraceExporter } =
    config.otlpProtocol === 'grpc'
      ? require('@opentelemetry/exporter-trace-otlp-grpc')
      : require('@opentelemetry/exporter-trace-otlp-http');
  return new OTLPTraceExporter();
}

function otlpMetricExporter(config: TelemetryConfig): PushMetricExporter {
  const { OTLPMetricExporter } =
    config.otlpProtocol === 'grpc'
      ? require('@opentelemetry/exporter-metrics-otlp-grpc')
      : require('@opentelemetry/exporter-metrics-otlp-http');
  return new OTLPMetricExporter();
}
/* eslint-enable @typescript-eslint/no-require-imports */
