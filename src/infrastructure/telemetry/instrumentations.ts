import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { ExpressLayerType } from '@opentelemetry/instrumentation-express';
import type { IncomingMessage } from 'node:http';
import { logsExported, OPERATIONAL_PATHS } from './telemetry-options';

/**
 * The auto-instrumentations, configured for this API. Which ones load is the standard variables'
 * decision (OTEL_NODE_ENABLED_INSTRUMENTATIONS, defaulted by the preload to http, express,
 * nestjs-core, pg, ioredis and pino; OTEL_NODE_DISABLED_INSTRUMENTATIONS); this only tunes them.
 */
export function apiInstrumentations() {
  const untraced = (req: IncomingMessage) => {
    const url = req.url ?? '';
    return OPERATIONAL_PATHS.some((path) => url === path || url.startsWith(`${path}?`));
  };
  return getNodeAutoInstrumentations({
    // Incoming requests only, the scrape and the probes unspanned: the API calls no HTTP service
    // (the OTLP exporters suppress their own spans).
    '@opentelemetry/instrumentation-http': {
      ignoreIncomingRequestHook: untraced,
      disableOutgoingRequestInstrumentation: true,
    },
    // Route handlers, not the ten-odd middleware layers each request crosses (parsers, logger,
    // metrics): a span per layer costs every request and tells nothing the Nest handler span does not.
    '@opentelemetry/instrumentation-express': {
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.REQUEST_HANDLER],
    },
    // SQL and Redis spans only inside a request's trace, not for background work (pool, health).
    '@opentelemetry/instrumentation-pg': { enhancedDatabaseReporting: false, requireParentSpan: true },
    '@opentelemetry/instrumentation-ioredis': { requireParentSpan: true },
    // Trace ids go into the log lines; the records themselves are sent only with a logs exporter.
    '@opentelemetry/instrumentation-pino': { disableLogSending: !logsExported() },
  });
}
