import parsePrometheusTextFormat, {
  type ParsedFamily,
  type ParsedSample,
} from 'parse-prometheus-text-format';

/**
 * A Prometheus text exposition as comparable data: family name -> type, label names and series
 * (keyed by `seriesKey` of their labels). Used to compare the Collector's exposition with the API's.
 *
 * Samples are parsed by parse-prometheus-text-format. Two of its limits are worked around here:
 * it rejects a `# HELP name` line with an empty text (the Collector writes those; HELP is not
 * compared, so HELP lines are dropped), and it merges the buckets of all series of a labelled
 * histogram into one (so histogram families are parsed as their _bucket/_sum/_count samples and
 * regrouped by labels here).
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
  const histograms = new Set<string>();
  const prepared = text
    .split('\n')
    .filter((line) => !line.startsWith('# HELP '))
    .map((line) => {
      const histogram = /^# TYPE (\S+) histogram\s*$/.exec(line);
      if (!histogram) return line;
      histograms.add(histogram[1]);
      return `# TYPE ${histogram[1]} untyped`;
    })
    .join('\n');
  // A histogram's _bucket/_sum/_count samples alternate series by series: one parsed family each
  // time the name changes. Regroup them by name.
  const parsed = new Map<string, ParsedFamily>();
  for (const f of parsePrometheusTextFormat(prepared)) {
    const seen = parsed.get(f.name);
    if (seen) seen.metrics.push(...f.metrics);
    else parsed.set(f.name, { ...f, metrics: [...f.metrics] });
  }

  const exposition: Exposition = new Map();
  const family = (type: MetricFamily['type']) => ({
    type,
    names: new Set<string>(),
    labelSets: [] as Array<Record<string, string>>,
    series: new Map<string, SeriesValue>(),
  });
  const keep = (labels: Record<string, string> = {}) =>
    Object.fromEntries(Object.entries(labels).filter(([name]) => !ignored.has(name) && name !== 'le'));
  const finish = (name: string, f: ReturnType<typeof family>) =>
    exposition.set(name, {
      type: f.type,
      labelNames: [...f.names].sort(),
      labelSets: f.labelSets,
      series: f.series,
    });

  for (const [name, raw] of parsed) {
    if (
      histograms.has(name) ||
      [...histograms].some((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`].includes(name))
    )
      continue;
    const f = family(raw.type.toLowerCase() as MetricFamily['type']);
    for (const sample of raw.metrics) {
      const kept = keep(sample.labels);
      for (const label of Object.keys(kept)) f.names.add(label);
      f.labelSets.push(sample.labels ?? {});
      const key = seriesKey(kept);
      if (f.series.has(key))
        throw new Error(`${name}: two series share ${key} once ${ignoreLabels.join(', ')} are ignored`);
      f.series.set(key, Number(sample.value));
    }
    finish(name, f);
  }

  for (const name of histograms) {
    const f = family('histogram');
    const samples = (suffix: string): ParsedSample[] => parsed.get(`${name}_${suffix}`)?.metrics ?? [];
    const entry = (labels: Record<string, string> | undefined): HistogramValue => {
      const kept = keep(labels);
      const key = seriesKey(kept);
      let value = f.series.get(key) as HistogramValue | undefined;
      if (!value) {
        value = { count: NaN, sum: NaN, buckets: {} };
        f.series.set(key, value);
        f.labelSets.push(Object.fromEntries(Object.entries(labels ?? {}).filter(([l]) => l !== 'le')));
        for (const label of Object.keys(kept)) f.names.add(label);
      }
      return value;
    };
    for (const s of samples('bucket')) entry(s.labels).buckets[s.labels?.le ?? ''] = Number(s.value);
    for (const s of samples('sum')) entry(s.labels).sum = Number(s.value);
    for (const s of samples('count')) entry(s.labels).count = Number(s.value);
    finish(name, f);
  }
  return exposition;
}
