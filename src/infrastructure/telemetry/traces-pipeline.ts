import { context, createNoopMeter, propagation, trace, type MeterProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import type { Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import type { IncomingMessage } from 'node:http';
import type { TelemetryConfig } from './telemetry-config';

/**
 * Traces by OTLP to the Collector (SPEC §2.4): context propagation, a sampler, a batching span
 * processor, and the instrumentations of what the API runs on. Started only when traces are
 * exported: without them the instrumentations and the async context tracking would cost every
 * request something for nothing.
 */
export function startTraces(config: TelemetryConfig, resource: Resource): { shutdown(): Promise<void> } {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const provider = new TracerProvider({
    resource,
    sampler: sampler(config.sampler),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: otlpTraceExporter(config),
        maxQueueSize: envNumber('OTEL_BSP_MAX_QUEUE_SIZE'),
        scheduledDelayMillis: envNumber('OTEL_BSP_SCHEDULE_DELAY'),
        exportTimeoutMillis: envNumber('OTEL_BSP_EXPORT_TIMEOUT'),
        maxExportBatchSize: envNumber('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  // The instrumentations would also record their own HTTP/DB duration histograms on every request:
  // the catalogue's HTTP metrics and the Collector's span metrics give the same RED figures, so
  // they get a no-op meter and record spans only.
  const noMetrics: MeterProvider = { getMeter: () => createNoopMeter() };
  const unregister = registerInstrumentations({
    instrumentations: instrumentations(config),
    tracerProvider: provider,
    meterProvider: noMetrics,
  });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
      contextManager.disable();
    },
  };
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
    // Incoming requests only: the API calls no HTTP service (the OTLP exporters suppress their own).
    new HttpInstrumentation({ ignoreIncomingRequestHook: untraced, disableOutgoingRequestInstrumentation: true }),
    // Route handlers, not the ten-odd middleware layers each request crosses (parsers, logger, metrics):
    // a span per layer costs every request and tells nothing the Nest handler span does not.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.REQUEST_HANDLER] }),
    new NestInstrumentation(),
    // SQL and Redis spans only inside a request's trace, not for background work (pool, health).
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    // Trace ids go into the log lines; the log records themselves are not sent anywhere.
    new PinoInstrumentation({ disableLogSending: true }),
  ];
}

function sampler({ name, ratio }: TelemetryConfig['sampler']): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function envNumber(name: string): number | undefined {
  const n = Number(process.env[name]);
  return process.env[name] && n > 0 ? n : undefined;
}

// Loaded on demand: only one protocol is used, and the gRPC stack is heavy to load.
/* eslint-disable @typescript-eslint/no-require-imports */
function otlpTraceExporter(config: TelemetryConfig): SpanExporter {
  const { OTLPTraceExporter } =
    config.otlpProtocol === 'grpc'
      ? require('@opentelemetry/exporter-trace-otlp-grpc')
      : require('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter();
}
/* eslint-enable @typescript-eslint/no-require-imports */
