/**
 * Metric names for the dashboards, taken from the catalogue (never retyped here): `m.httpRequests`
 * is `mytelevision_http_requests_total`, `runtime.processResidentMemory` is
 * `process_resident_memory_bytes`. Exporter and span-metric names are the exporters' own.
 */
import { METRICS, RUNTIME_METRICS, type MetricId } from '../../../src/infrastructure/metrics/catalog.ts';

export const m = Object.fromEntries(Object.entries(METRICS).map(([id, d]) => [id, d.name])) as Record<
  MetricId,
  string
>;

export const runtime = Object.fromEntries(Object.entries(RUNTIME_METRICS).map(([id, d]) => [id, d.name])) as {
  readonly [K in keyof typeof RUNTIME_METRICS]: string;
};

/** The scrape job of the API in monitoring/prometheus/prometheus.yml (the team's existing job name). */
export const API_JOB = 'mytelevision-api';

/** `rate()` window used by every panel: 4 scrapes of the 15 s interval, and what recording rules use. */
export const RATE_WINDOW = '5m';

export const rate = (selector: string, window = RATE_WINDOW): string => `rate(${selector}[${window}])`;
export const increase = (selector: string, window: string): string => `increase(${selector}[${window}])`;
