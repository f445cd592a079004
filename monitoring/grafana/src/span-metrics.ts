/**
 * Span-derived RED metrics from the Collector's span metrics connector (otel-collector/config.yaml:
 * namespace traces.span.metrics, histogram unit s, extra dimensions db.system and db.system.name).
 * SQL operations are the client spans whose db system is PostgreSQL; the instrumentation emits either
 * the old `db.system` or the stable `db.system.name` attribute, so selectors match both.
 */
export const SPAN_CALLS = 'traces_span_metrics_calls_total';
export const SPAN_DURATION_BUCKET = 'traces_span_metrics_duration_seconds_bucket';

/** `sum by (<by>) (rate(<metric>{<db system is postgresql>}[5m]))` for either attribute version. */
export function sqlSpanRate(metric: string, by: string, extraMatchers = ''): string {
  const extra = extraMatchers ? `, ${extraMatchers}` : '';
  return ['db_system', 'db_system_name']
    .map((label) => `sum by (${by}) (rate(${metric}{${label}="postgresql"${extra}}[5m]))`)
    .join(' or ');
}
