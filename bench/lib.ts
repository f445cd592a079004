/**
 * Shared benchmark helpers: every figure is measured against its baseline in the same run,
 * alternating the two after a warm-up, and reported as medians with the ratio. No pass/fail here:
 * the targets are printed beside the figures.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
// Types only (erased when Node strips the types): what the require calls below return.
import type * as ExporterPrometheus from '@opentelemetry/exporter-prometheus';
import type * as SdkMetrics from '@opentelemetry/sdk-metrics';
import type * as Metrics from '@infrastructure/metrics';
import type * as MetricsPipeline from '@infrastructure/telemetry/metrics-pipeline';

/** The repository: benchmarks run as `node bench/<file>.ts` (npm run bench) from anywhere. */
export const ROOT = resolve(dirname(process.argv[1]), '..');
/** The project's compiled code (`npm run build`): the benchmarks measure what production runs. */
export const requireDist = createRequire(join(ROOT, 'dist', 'main.js'));
export const requireRoot = createRequire(join(ROOT, 'package.json'));

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** ns per call of `fn` over `iterations` calls. */
export function nsPerOp(fn: (i: number) => void, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** Alternates `ours` and `baseline` for `rounds` rounds after a warm-up; medians of each. */
export function compareSync(
  ours: (i: number) => void,
  baseline: (i: number) => void,
  { iterations = 200_000, rounds = 5 } = {},
): { ours: number; baseline: number; ratio: number } {
  nsPerOp(ours, iterations);
  nsPerOp(baseline, iterations);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      a.push(nsPerOp(ours, iterations));
      b.push(nsPerOp(baseline, iterations));
    } else {
      b.push(nsPerOp(baseline, iterations));
      a.push(nsPerOp(ours, iterations));
    }
  }
  const ours_ = median(a);
  const base = median(b);
  return { ours: ours_, baseline: base, ratio: ours_ / base };
}

export async function compareAsync(
  ours: () => Promise<number>,
  baseline: () => Promise<number>,
  rounds = 5,
): Promise<{ ours: number; baseline: number; ratio: number }> {
  await ours();
  await baseline();
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      a.push(await ours());
      b.push(await baseline());
    } else {
      b.push(await baseline());
      a.push(await ours());
    }
  }
  const o = median(a);
  const m = median(b);
  return { ours: o, baseline: m, ratio: o / m };
}

export interface Row {
  readonly figure: string;
  readonly ours: string;
  readonly baseline: string;
  readonly ratio: number;
  readonly target: string;
  readonly met: boolean;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const head = ['figure', 'ours', 'baseline', 'ratio', 'target', 'met'];
  const cells = rows.map((r) => [
    r.figure,
    r.ours,
    r.baseline,
    r.ratio.toFixed(2),
    r.target,
    r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${title}\n${line(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

/** Rows whose target is `REPORTED` carry a figure only: they are not counted as targets met. */
export const REPORTED = 'reported (no target)';

/**
 * MetricsService as the API runs it: its SDK instruments on a MeterProvider with the API's views,
 * collected by the stock Prometheus reader and rendered by the stock serializer (what GET /metrics does).
 */
export function sdkMetrics() {
  const { MeterProvider } = requireRoot('@opentelemetry/sdk-metrics') as typeof SdkMetrics;
  const { PrometheusExporter, PrometheusSerializer } = requireRoot(
    '@opentelemetry/exporter-prometheus',
  ) as typeof ExporterPrometheus;
  const { MetricsService, METER_NAME } = requireDist('./infrastructure/metrics/index.js') as typeof Metrics;
  const { metricViews } = requireDist(
    './infrastructure/telemetry/metrics-pipeline.js',
  ) as typeof MetricsPipeline;
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const provider = new MeterProvider({ readers: [reader], views: metricViews() });
  const service = new MetricsService({ meter: provider.getMeter(METER_NAME), warn: () => undefined });
  const serializer = new PrometheusSerializer('', false, undefined, false, true);
  const render = async (): Promise<string> => serializer.serialize((await reader.collect()).resourceMetrics);
  return { service, render };
}
