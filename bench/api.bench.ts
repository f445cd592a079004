/**
 * Per request and startup: the real API (built, with its preload) under autocannon on loopback,
 * fully instrumented against OTEL_SDK_DISABLED=true, in alternating rounds; and the time to
 * /health/ready with the preload against without. Traces go to a local OTLP sink that answers 200.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../test/support/ports.ts';
import { median, requireRoot, ROOT, type Row } from './lib.ts';

const autocannon = requireRoot('autocannon');
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MAX_REQUESTS_PER_ROUND = 100_000;

interface Api {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
}

async function otlpSink(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function startApi(name: string, env: Record<string, string>): Promise<{ api: Api; readyMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--require', './dist/tracing.js', 'dist/main.js'], {
    cwd: ROOT,
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      THROTTLE_LIMIT: '1000000000',
      JWT_SECRET: 'benchmark-secret-of-at-least-32-characters',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited while starting`);
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (performance.now() - started > 60_000) throw new Error(`${name} not ready in 60 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return { api: { name, url, child }, readyMs: performance.now() - started };
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerRequest: number;
}

async function load(api: Api, path: string): Promise<Load> {
  const cpuBefore = cpuSeconds(api.child.pid!);
  const instance = autocannon({ url: `${api.url}${path}`, connections: 8, amount: MAX_REQUESTS_PER_ROUND });
  const stop = setTimeout(() => instance.stop(), ROUND_SECONDS * 1000);
  const result = await instance;
  clearTimeout(stop);
  const cpu = cpuSeconds(api.child.pid!) - cpuBefore;
  const requests = result.requests.total;
  return {
    rps: requests / (result.duration || ROUND_SECONDS),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUsPerRequest: (cpu * 1e6) / Math.max(1, requests),
  };
}

export async function apiBench(): Promise<Row[]> {
  const sink = await otlpSink();
  const traces = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
  const configs: Array<[string, Record<string, string>]> = [
    ['SDK disabled', { OTEL_SDK_DISABLED: 'true' }],
    ['metrics only', { OTEL_TRACES_EXPORTER: 'none' }],
    ['metrics + traces 100%', { ...traces, OTEL_TRACES_SAMPLER: 'parentbased_always_on' }],
    [
      'metrics + traces 10%',
      { ...traces, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
    ],
  ];
  const apis: Api[] = [];
  const rows: Row[] = [];
  try {
    // Startup: alternate preload and disabled, five each.
    const withPreload: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < 5; i++) {
      for (const [name, env, into] of [
        ['preload', { OTEL_TRACES_EXPORTER: 'none' }, withPreload],
        ['disabled', { OTEL_SDK_DISABLED: 'true' }, without],
      ] as const) {
        const { api, readyMs } = await startApi(name, env);
        into.push(readyMs);
        api.child.kill('SIGKILL');
      }
    }
    const added = median(withPreload) - median(without);
    rows.push({
      figure: 'startup: time to /health/ready, preload vs OTEL_SDK_DISABLED',
      ours: `${median(withPreload).toFixed(0)} ms`,
      baseline: `${median(without).toFixed(0)} ms`,
      ratio: median(withPreload) / median(without),
      target: '<= +300 ms',
      met: added <= 300,
    });

    for (const [name, env] of configs) apis.push((await startApi(name, env)).api);
    const contents = (await (await fetch(`${apis[0].url}/api/v1/contents`)).json()) as Array<{ id: string }>;
    const routes: Array<[string, string]> = [
      ['cheap: GET /health/live (untraced probe)', '/health/live'],
      ['cheap traced: GET /api/v1/me without token (401 from the guard)', '/api/v1/me'],
      ['database: GET /api/v1/contents/:id', `/api/v1/contents/${contents[0].id}`],
    ];
    for (const [routeName, path] of routes) {
      const results = new Map<string, Load[]>(apis.map((a) => [a.name, []]));
      for (const api of apis) await load(api, path); // warm-up
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 === 0 ? apis : [...apis].reverse();
        for (const api of order) results.get(api.name)!.push(await load(api, path));
      }
      const med = (name: string, k: keyof Load) => median(results.get(name)!.map((x) => x[k]));
      const base = 'SDK disabled';
      for (const [name] of configs.slice(1)) {
        const ratio = med(name, 'rps') / med(base, 'rps');
        const target = name === 'metrics only' ? 0.95 : name === 'metrics + traces 10%' ? 0.85 : undefined;
        rows.push({
          figure: `${routeName}: ${name} (p50 ${med(name, 'p50')} ms, p99 ${med(name, 'p99')} ms, ${med(name, 'cpuUsPerRequest').toFixed(0)} us CPU/req)`,
          ours: `${med(name, 'rps').toFixed(0)} req/s`,
          baseline: `${med(base, 'rps').toFixed(0)} req/s (p99 ${med(base, 'p99')} ms, ${med(base, 'cpuUsPerRequest').toFixed(0)} us CPU/req)`,
          ratio,
          target: target === undefined ? 'reported' : `>= ${target}`,
          met: target === undefined ? true : ratio >= target,
        });
      }
    }
  } finally {
    for (const api of apis) api.child.kill('SIGTERM');
    sink.server.close();
  }
  return rows;
}
