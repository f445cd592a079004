import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { ViewOptions } from '@opentelemetry/sdk-metrics';
import { METRIC_DEFINITIONS } from '../metrics/catalog';
import { METER_NAME } from '../metrics/meter';
import { PROCESS_METER_NAME } from './process-metrics';
import {
  CATALOGUE_CARDINALITY_LIMIT,
  cardinalityLimit,
  DEFAULT_CARDINALITY_LIMIT,
  metricsReaderKind,
} from './telemetry-options';

/**
 * The pull reader: the stock PrometheusExporter without its own HTTP server (the app serves its
 * output at GET /metrics) and without otel_scope_* labels. Undefined in push mode (the SDK builds
 * the OTLP reader from the standard variables) and with OTEL_METRICS_EXPORTER=none.
 */
export function pullReader(): PrometheusExporter | undefined {
  return metricsReaderKind() === 'prometheus'
    ? new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true })
    : undefined;
}

/**
 * The views of the MeterProvider: `extra` (a user's, e.g. other histogram buckets) plus one view per
 * catalogue instrument and one for the process meter, which carry the cardinality limit
 * (OTEL_METRICS_CARDINALITY_LIMIT, or the defaults). A user view that selects a catalogue
 * instrument by name replaces the project's view of it (two views would make two streams of one
 * name) and gets the limit when it sets none.
 */
export function metricViews(extra: readonly ViewOptions[] = []): ViewOptions[] {
  const catalogueLimit = cardinalityLimit(CATALOGUE_CARDINALITY_LIMIT);
  const byInstrument = new Map(extra.filter((v) => v.instrumentName).map((v) => [v.instrumentName, v]));
  const views: ViewOptions[] = extra.filter((v) => !v.instrumentName || !isCatalogue(v.instrumentName));
  for (const d of METRIC_DEFINITIONS) {
    const user = byInstrument.get(d.name);
    views.push({
      meterName: METER_NAME,
      ...user,
      instrumentName: d.name,
      aggregationCardinalityLimit: user?.aggregationCardinalityLimit ?? catalogueLimit,
    });
  }
  views.push({
    meterName: PROCESS_METER_NAME,
    aggregationCardinalityLimit: cardinalityLimit(DEFAULT_CARDINALITY_LIMIT),
  });
  return views;
}

function isCatalogue(name: string): boolean {
  return METRIC_DEFINITIONS.some((d) => d.name === name);
}
