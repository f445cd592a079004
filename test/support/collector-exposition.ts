import { parsePrometheusText } from './prometheus-text';

/**
 * A Prometheus text exposition as comparable data: family name -> type, label names and series
 * (keyed by `seriesKey` of their labels), with chosen labels (e.g. the job and instance the
 * Collector adds) left out. Used to compare the Collector's exposition with the API's. Parsed by
 * prom2json, Prometheus's own parser (test/support/prometheus-text.ts).
 */

export type HistogramValue = { count: number; sum: number; buckets: Record<string, number> };
export type SeriesValue = number | HistogramValue;

export interface MetricFamily {
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  /** Sorted union of the label names of every series (without `le`), ignored labels left out. */
  readonly labelNames: string[];
  /** Every series' complete labels, ignored ones included. */
  readonly labelSets: Array<Record<string, string>>;
  readonly series: Map<string, SeriesValue>;
}

export type Exposition = Map<string, MetricFamily>;

/** Canonical key of a label set: JSON of the labels sorted by name. */
export function seriesKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))));
}

/** Parses `text`; labels named in `ignoreLabels` are left out of label names and series keys. */
export function parseExposition(text: string, ignoreLabels: readonly string[] = []): Exposition {
  const ignored = new Set(ignoreLabels);
  const keep = (labels: Record<string, string> = {}) =>
    Object.fromEntries(Object.entries(labels).filter(([name]) => !ignored.has(name)));
  const exposition: Exposition = new Map();
  for (const raw of parsePrometheusText(text)) {
    const names = new Set<string>();
    const family: MetricFamily = {
      type: raw.type.toLowerCase() as MetricFamily['type'],
      labelNames: [],
      labelSets: [],
      series: new Map(),
    };
    for (const sample of raw.metrics) {
      const labels = sample.labels ?? {};
      const kept = keep(labels);
      for (const label of Object.keys(kept)) names.add(label);
      family.labelSets.push(labels);
      const key = seriesKey(kept);
      if (family.series.has(key))
        throw new Error(`${raw.name}: two series share ${key} once ${ignoreLabels.join(', ')} are ignored`);
      family.series.set(
        key,
        sample.buckets
          ? {
              count: Number(sample.count),
              sum: Number(sample.sum),
              buckets: Object.fromEntries(Object.entries(sample.buckets).map(([le, v]) => [le, Number(v)])),
            }
          : Number(sample.value),
      );
    }
    exposition.set(raw.name, { ...family, labelNames: [...names].sort() });
  }
  return exposition;
}
