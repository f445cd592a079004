import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { METRIC_DEFINITIONS, RUNTIME_METRICS } from '@infrastructure/metrics/catalog';

/**
 * Every metric name a PromQL expression of this project may select: the API's catalogue (a
 * histogram also as its _bucket/_sum/_count series), its runtime metrics, the recording rules of
 * monitoring/prometheus/rules, the exporters' names captured in test/fixtures/exporters/*.txt
 * (every .txt there counts, so a new fixture needs no code change), and Prometheus's own `up` /
 * scrape series. Used by the metric-reference checks of the rules and of the dashboards.
 */
const ROOT = join(__dirname, '..', '..');
export const RULES_DIR = join(ROOT, 'monitoring', 'prometheus', 'rules');
export const EXPORTER_FIXTURES_DIR = join(ROOT, 'test', 'fixtures', 'exporters');

/** Series Prometheus adds to every scrape target itself. */
export const SCRAPE_SERIES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
];

export function catalogueMetricNames(): string[] {
  const names: string[] = [];
  for (const m of METRIC_DEFINITIONS) {
    names.push(m.name);
    if (m.kind === 'histogram') names.push(`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`);
  }
  for (const r of Object.values(RUNTIME_METRICS)) names.push(r.name);
  return names;
}

interface RuleFile {
  groups?: Array<{ name: string; rules?: Array<{ record?: string; alert?: string; expr: string }> }>;
}

export function ruleFiles(): string[] {
  return readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .map((f) => join(RULES_DIR, f));
}

export function loadRules(file: string): RuleFile {
  return parse(readFileSync(file, 'utf8')) as RuleFile;
}

export function recordingRuleNames(): string[] {
  return ruleFiles().flatMap((f) =>
    (loadRules(f).groups ?? []).flatMap((g) => (g.rules ?? []).flatMap((r) => (r.record ? [r.record] : []))),
  );
}

/** Names of one fixture file: one per line, `#` lines are its header. */
export function fixtureNames(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

export function exporterMetricNames(): Map<string, string[]> {
  const byFixture = new Map<string, string[]>();
  for (const f of readdirSync(EXPORTER_FIXTURES_DIR)
    .filter((n) => n.endsWith('.txt'))
    .sort()) {
    byFixture.set(f, fixtureNames(join(EXPORTER_FIXTURES_DIR, f)));
  }
  return byFixture;
}

export function knownMetricNames(): Set<string> {
  const known = new Set<string>([...catalogueMetricNames(), ...recordingRuleNames(), ...SCRAPE_SERIES]);
  for (const names of exporterMetricNames().values()) for (const n of names) known.add(n);
  return known;
}
