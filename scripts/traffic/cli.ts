/**
 * npm run traffic -- [--url URL] [--scenario normal|brute-force|payment-failures|all]
 *                    [--requests N] [--duration 60s] [--concurrency N] [--rate R] [--seed S] [--json]
 *
 * Defaults: url from API_URL or http://127.0.0.1:3000, normal, 1000 requests, 60 s, 4 workers, no
 * pacing. The /metrics bearer token comes from METRICS_TOKEN or the file METRICS_TOKEN_FILE (only
 * used for the metric deltas of the summary). Ctrl-C ends the run early and still prints the summary.
 */
import { readFileSync } from 'node:fs';
import { runTraffic, type TrafficOptions, type TrafficSummary } from './generator.ts';
import { SCENARIO_NAMES, isScenarioName } from './scenarios.ts';

const USAGE = `usage: npm run traffic -- [--url URL] [--scenario ${SCENARIO_NAMES.join('|')}] [--requests N]
                          [--duration 60s|2m|500ms] [--concurrency N] [--rate REQ_PER_S] [--seed N] [--json]`;

/** `60s`, `2m`, `500ms`, or a bare number of seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new Error(`--duration must look like 60s, 2m or 500ms (got "${value}")`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Number(match[1]) * factor;
}

function metricsToken(env: NodeJS.ProcessEnv): string | undefined {
  if (env.METRICS_TOKEN) return env.METRICS_TOKEN;
  if (env.METRICS_TOKEN_FILE) return readFileSync(env.METRICS_TOKEN_FILE, 'utf8').trim();
  return undefined;
}

export function parseArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { options: TrafficOptions; json: boolean } {
  const values = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') {
      json = true;
      continue;
    }
    const [key, inline] = arg.split('=', 2);
    const known = ['--url', '--scenario', '--requests', '--duration', '--concurrency', '--rate', '--seed'];
    if (!known.includes(key)) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${key} needs a value\n${USAGE}`);
    values.set(key, value);
  }
  const int = (key: string, fallback: number) => {
    const raw = values.get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${key} must be a positive integer (got "${raw}")`);
    return n;
  };
  const scenario = values.get('--scenario') ?? 'normal';
  if (!isScenarioName(scenario))
    throw new Error(`--scenario must be one of ${SCENARIO_NAMES.join(', ')} (got "${scenario}")`);
  const rate = values.get('--rate');
  const seed = values.get('--seed');
  return {
    json,
    options: {
      baseUrl: values.get('--url') ?? env.API_URL ?? 'http://127.0.0.1:3000',
      scenario,
      requests: int('--requests', 1000),
      durationMs: parseDuration(values.get('--duration') ?? '60s'),
      concurrency: int('--concurrency', 4),
      metricsToken: metricsToken(env),
      ...(rate !== undefined ? { ratePerSecond: Number(rate) } : {}),
      ...(seed !== undefined ? { seed: int('--seed', 1) } : {}),
    },
  };
}

/** The summary as a plain-text table (route, status, count), then totals and metric deltas. */
export function formatSummary(s: TrafficSummary): string {
  const rows = s.byRoute.map((r) => [`${r.method} ${r.route}`, r.status, String(r.count)]);
  const header = ['route', 'status', 'count'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const out = [
    `scenario ${s.scenario} against ${s.baseUrl} (seed ${s.seed})`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${s.requests} requests in ${(s.durationMs / 1000).toFixed(1)} s (${((s.requests * 1000) / Math.max(1, s.durationMs)).toFixed(1)}/s), stopped by ${s.stoppedBy}`,
    `by status: ${Object.entries(s.byStatus)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    `429 back-offs: ${s.rateLimited}, no answer: ${s.errors}`,
    ...s.errorMessages.map((m) => `  error: ${m}`),
  ];
  if (s.metricDeltas) {
    const moved = Object.entries(s.metricDeltas).filter(([, v]) => v !== 0);
    out.push(
      '',
      'metric changes (sum over series, from /metrics):',
      ...moved.map(([k, v]) => `  ${k} ${v > 0 ? '+' : ''}${v}`),
    );
  } else {
    out.push(
      '',
      'metric changes: /metrics not readable (set METRICS_TOKEN or METRICS_TOKEN_FILE if the API requires one)',
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`traffic: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const { options, json } = parsed;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  process.stderr.write(
    `traffic: ${options.scenario} against ${options.baseUrl}: at most ${options.requests} requests / ${options.durationMs / 1000} s, ${options.concurrency} workers\n`,
  );
  const summary = await runTraffic({ ...options, signal: stop.signal });
  process.stdout.write(`${json ? JSON.stringify(summary, null, 2) : formatSummary(summary)}\n`);
  // Every request failing to get an answer means the API was not there: say so in the exit code.
  if (summary.requests > 0 && summary.errors === summary.requests) process.exitCode = 1;
}

if (/cli\.ts$/.test(process.argv[1] ?? '')) {
  main().catch((error: Error) => {
    process.stderr.write(`traffic: ${error.message}\n`);
    process.exit(1);
  });
}
