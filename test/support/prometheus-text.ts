import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { goToolPath } from '../../scripts/lib/versions.ts';

const REPO_ROOT = join(__dirname, '..', '..');

/**
 * Where prom2json is: Prometheus's own text-format parser (prometheus/common/expfmt) as a command,
 * built by scripts/lib/go-tools.sh at versions.env's PROM2JSON_VERSION. The JS parsers on npm
 * mis-read labelled histograms, so the tests read every exposition through this one.
 */
export function prom2jsonPath(): string {
  return goToolPath(REPO_ROOT, 'prom2json');
}

/** The families of `text` as prom2json gives them (histogram buckets per series, values as strings). */
export function parsePrometheusText(text: string): RawFamily[] {
  return JSON.parse(
    execFileSync(prom2jsonPath(), [], { input: text, maxBuffer: 256 * 1024 * 1024 }).toString('utf8'),
  ) as RawFamily[];
}

export interface RawFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: Array<{
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }>;
}

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  /** Counter/gauge value; for a histogram, its count. */
  readonly value: number;
  readonly sum?: number;
  readonly buckets?: Readonly<Record<string, number>>;
}

export interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly help: string;
  readonly samples: readonly Sample[];
}

/** Metric families by name, with lookups that fail loudly when a series is missing. */
export class MetricFamilies {
  constructor(readonly families: ReadonlyMap<string, Family>) {}

  family(name: string): Family {
    const f = this.families.get(name);
    if (!f) throw new Error(`metric ${name} is not in the exposition`);
    return f;
  }

  /** The sample whose labels include `labels` exactly once; undefined when there is none. */
  find(name: string, labels: Record<string, string> = {}): Sample | undefined {
    const matches = this.family(name).samples.filter((s) =>
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
    if (matches.length > 1)
      throw new Error(`${name}${JSON.stringify(labels)} matches ${matches.length} series`);
    return matches[0];
  }

  /** The value of one series (0 when the series, or the whole family, does not exist yet). */
  value(name: string, labels: Record<string, string> = {}): number {
    if (!this.families.has(name)) return 0;
    return this.find(name, labels)?.value ?? 0;
  }

  /** Sum over every series of `name` whose labels include `labels`. */
  total(name: string, labels: Record<string, string> = {}): number {
    return this.family(name)
      .samples.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((acc, s) => acc + s.value, 0);
  }

  labelValues(name: string, label: string): Set<string> {
    return new Set(
      this.family(name)
        .samples.map((s) => s.labels[label])
        .filter((v) => v !== undefined),
    );
  }
}

/** A Prometheus text exposition parsed by Prometheus's own parser (prom2json). */
export class Exposition extends MetricFamilies {
  constructor(readonly text: string) {
    const families = new Map<string, Family>();
    for (const raw of parsePrometheusText(text)) {
      families.set(raw.name, {
        name: raw.name,
        type: raw.type.toLowerCase() as Family['type'],
        help: raw.help,
        samples: raw.metrics.map((m) => ({
          labels: m.labels ?? {},
          value: Number(m.value ?? m.count),
          sum: m.sum === undefined ? undefined : Number(m.sum),
          buckets: m.buckets
            ? Object.fromEntries(Object.entries(m.buckets).map(([le, v]) => [le, Number(v)]))
            : undefined,
        })),
      });
    }
    super(families);
  }
}
