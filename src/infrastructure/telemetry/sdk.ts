import { createNoopMeter, type MeterProvider } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ViewOptions } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { hostname } from 'node:os';
import { metricViews, pullReader } from './metrics-pipeline';
import { applyOtlpTokenFile } from './otlp-token';
import { PROCESS_METER_NAME, registerProcessMetrics } from './process-metrics';
import { applyTelemetryDefaults, metricsReaderKind, tracesEnabled } from './telemetry-options';
import type { TelemetryRuntime } from './telemetry-runtime';
import { metrics } from '@opentelemetry/api';

// Incubating semantic-convention keys, spelled out: the stable entry point does not export them.
const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

export interface TelemetryOptions {
  /** Views beside the project's (a user's buckets, aggregation or attribute filter). */
  readonly views?: readonly ViewOptions[];
}

/**
 * Starts the OpenTelemetry Node SDK (NodeSDK). The SDK reads the standard OTEL_* variables itself —
 * exporters, OTLP endpoints and protocols per signal, temporality preference, export interval and
 * timeout, sampler, propagators, resource, span limits — after the project's defaults are written
 * where they are unset (telemetry-options.ts). The app adds one metric reader at most (pull, served
 * at GET /metrics), the catalogue's views, and the process metrics under their Prometheus names.
 *
 * With traces off (OTEL_TRACES_EXPORTER=none) no instrumentation and no context manager is
 * installed: they would cost every request and record nothing.
 */
export function startTelemetry(options: TelemetryOptions = {}): TelemetryRuntime {
  applyTelemetryDefaults();
  applyOtlpTokenFile();
  const prometheus = pullReader();
  const withTraces = tracesEnabled();
  const instrumentations = withTraces
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('./instrumentations') as typeof import('./instrumentations')).apiInstrumentations()
    : [];
  const sdk = new NodeSDK({
    resource: defaultResource().merge(serviceResource()),
    // The SDK builds the OTLP push reader from the environment when none is given.
    ...(metricsReaderKind() === 'prometheus' ? { metricReaders: [prometheus!] } : {}),
    views: metricViews(options.views),
    instrumentations,
    // Without instrumentations nothing reads the active context: no AsyncLocalStorage per request.
    // (No span processors: the SDK would otherwise warn that OTEL_TRACES_EXPORTER=none disables it.)
    ...(withTraces ? {} : { contextManager: null as never, spanProcessors: [] }),
  });
  sdk.start();
  // The instrumentations' own HTTP/DB duration histograms would be recorded on every request: the
  // catalogue's HTTP metrics and the Collector's span metrics give the same RED figures.
  const noMetrics: MeterProvider = { getMeter: () => createNoopMeter() };
  for (const instrumentation of instrumentations) instrumentation.setMeterProvider(noMetrics);
  const stopProcessMetrics = registerProcessMetrics(metrics.getMeter(PROCESS_METER_NAME));

  let stopping: Promise<void> | undefined;
  return {
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

/** Service identity defaults; OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES (env detector) win. */
function serviceResource() {
  const env = process.env;
  return resourceFromAttributes({
    [ATTR_SERVICE_NAME]: 'mytelevision-api',
    [ATTR_SERVICE_VERSION]: env.SERVICE_VERSION || env.npm_package_version || '0.1.0',
    [ATTR_SERVICE_INSTANCE_ID]: env.SERVICE_INSTANCE_ID || `${hostname()}:${process.pid}`,
    [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: env.DEPLOYMENT_ENVIRONMENT || env.NODE_ENV || 'development',
  });
}
