/**
 * Per request and startup: the real API (built, with its preload) under autocannon on loopback,
 * metrics only and with traces at three samplers, against OTEL_SDK_DISABLED=true, in alternating
 * rounds; a CPU profile of the instrumented and the disabled API under the same load; and the time to
 * /health/ready of a second start on the embedded database. Traces go to a local OTLP sink that
 * answers 200.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Autocannon from 'autocannon';
import { freePort } from '../test/support/ports.ts';
import { topDifferences } from './cpu-profile.ts';
import { median, REPORTED, requireRoot, ROOT, type Row } from './lib.ts';

const autocannon = requireRoot('autocannon') as typeof Autocannon;
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
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

async function startApi(
  name: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<{ api: Api; readyMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, '--require', './dist/tracing.js', 'dist/main.js'], {
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
    if (performance.now() - started > 120_000) throw new Error(`${name} not ready in 120 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return { api: { name, url, child }, readyMs: performance.now() - started };
}

async function stopApi(api: Api): Promise<void> {
  if (api.child.exitCode !== null || api.child.signalCode !== null) return;
  const exited = new Promise((r) => api.child.once('exit', r));
  api.child.kill('SIGTERM');
  await exited;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

/**
 * Bytes the process wrote and its write system calls (`/proc/<pid>/io`: sockets, log lines,
 * exports), to tell work from the time a CPU profile attributes to a native write.
 */
function written(pid: number): { bytes: number; calls: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(io)?.[1] ?? NaN);
  return { bytes: field('wchar'), calls: field('syscw') };
}

interface Load {
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  cpuUsPerRequest: number;
  bytesWrittenPerRequest: number;
  writeCallsPerRequest: number;
}

async function load(api: Api, path: string): Promise<Load> {
  const cpuBefore = cpuSeconds(api.child.pid!);
  const writtenBefore = written(api.child.pid!);
  // Without a callback autocannon returns its instance, which is also a promise of the result
  // (@types/autocannon declares only the promise).
  const instance = autocannon({
    url: `${api.url}${path}`,
    connections: 8,
    amount: MAX_REQUESTS_PER_ROUND,
  }) as Promise<Autocannon.Result> & Pick<Autocannon.Instance, 'stop'>;
  const stop = setTimeout(() => instance.stop(), ROUND_SECONDS * 1000);
  const result = await instance;
  clearTimeout(stop);
  const cpu = cpuSeconds(api.child.pid!) - cpuBefore;
  const writtenAfter = written(api.child.pid!);
  const requests = result.requests.total;
  return {
    rps: requests / (result.duration || ROUND_SECONDS),
    requests,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUsPerRequest: (cpu * 1e6) / Math.max(1, requests),
    bytesWrittenPerRequest: (writtenAfter.bytes - writtenBefore.bytes) / Math.max(1, requests),
    writeCallsPerRequest: (writtenAfter.calls - writtenBefore.calls) / Math.max(1, requests),
  };
}

/** An initialised, migrated PGlite directory to copy: no API of the benchmark pays initdb. */
async function pgliteTemplate(work: string): Promise<string> {
  const dir = join(work, 'template');
  const { api } = await startApi('template', { OTEL_SDK_DISABLED: 'true', PGLITE_DATA_DIR: dir });
  await stopApi(api);
  return dir;
}

function copyOf(template: string, work: string, name: string): string {
  const dir = join(work, name.replace(/[^a-z0-9]+/gi, '-'));
  cpSync(template, dir, { recursive: true });
  return dir;
}

export async function apiBench(): Promise<Row[]> {
  const sink = await otlpSink();
  const work = mkdtempSync(join(tmpdir(), 'mtv-bench-'));
  const traces = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
  const ten = { ...traces, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
  const configs: Array<[string, Record<string, string>, number | undefined]> = [
    ['SDK disabled', { OTEL_SDK_DISABLED: 'true' }, undefined],
    ['metrics only', { OTEL_TRACES_EXPORTER: 'none' }, 0.95],
    ['metrics + traces 10%', ten, 0.9],
    ['metrics + traces always_off', { ...traces, OTEL_TRACES_SAMPLER: 'parentbased_always_off' }, undefined],
    ['metrics + traces always_on', { ...traces, OTEL_TRACES_SAMPLER: 'parentbased_always_on' }, undefined],
  ];
  const apis: Api[] = [];
  const rows: Row[] = [];
  try {
    const template = await pgliteTemplate(work);

    // Startup, second start on the embedded database: each side reopens its own directory, five
    // alternating starts; the default configuration (traces on, to the sink) against disabled.
    const startDirs = {
      preload: copyOf(template, work, 'start-preload'),
      disabled: copyOf(template, work, 'start-off'),
    };
    const withPreload: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < 5; i++) {
      for (const [name, env, into] of [
        ['preload', { ...traces, PGLITE_DATA_DIR: startDirs.preload }, withPreload],
        ['disabled', { OTEL_SDK_DISABLED: 'true', PGLITE_DATA_DIR: startDirs.disabled }, without],
      ] as const) {
        const { api, readyMs } = await startApi(name, env);
        into.push(readyMs);
        await stopApi(api);
      }
    }
    rows.push({
      figure: 'startup: /health/ready, embedded second start, default preload (traces on) vs SDK disabled',
      ours: `${median(withPreload).toFixed(0)} ms`,
      baseline: `${median(without).toFixed(0)} ms`,
      ratio: median(withPreload) / median(without),
      target: '<= 1500 ms',
      met: median(withPreload) <= 1500,
    });

    for (const [name, env] of configs)
      apis.push((await startApi(name, { ...env, PGLITE_DATA_DIR: copyOf(template, work, name) })).api);
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
      const writes = (name: string) =>
        `${med(name, 'bytesWrittenPerRequest').toFixed(0)} B in ${med(name, 'writeCallsPerRequest').toFixed(2)} writes/req`;
      for (const [name, , target] of configs.slice(1)) {
        const ratio = med(name, 'rps') / med(base, 'rps');
        rows.push({
          figure: `${routeName}: ${name} (p50 ${med(name, 'p50')} ms, p99 ${med(name, 'p99')} ms, ${med(name, 'cpuUsPerRequest').toFixed(0)} us CPU/req, ${writes(name)})`,
          ours: `${med(name, 'rps').toFixed(0)} req/s`,
          baseline: `${med(base, 'rps').toFixed(0)} req/s (p99 ${med(base, 'p99')} ms, ${med(base, 'cpuUsPerRequest').toFixed(0)} us CPU/req, ${writes(base)})`,
          ratio,
          target: target === undefined ? REPORTED : `>= ${target}`,
          met: target === undefined ? true : ratio >= target,
        });
      }
    }
  } finally {
    for (const api of apis) await stopApi(api);
    sink.server.close();
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

/**
 * CPU profiles of traces at 10 % and of the disabled API under the same load, on the traced route
 * rejected by the guard (the one where tracing costs most, relative to the request).
 */
export async function profileBench(): Promise<Row[]> {
  const sink = await otlpSink();
  const work = mkdtempSync(join(tmpdir(), 'mtv-bench-'));
  try {
    const template = await pgliteTemplate(work);
    const ten = {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    };
    return await profileRows(template, work, ten, '/api/v1/me');
  } finally {
    sink.server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

async function profileRows(
  template: string,
  work: string,
  ten: Record<string, string>,
  path: string,
): Promise<Row[]> {
  const profiled: Array<{ name: string; file: string; requests: number }> = [];
  for (const [name, env] of [
    ['profile traces 10%', ten],
    ['profile disabled', { OTEL_SDK_DISABLED: 'true' }],
  ] as const) {
    const file = join(work, `${name.replace(/\W+/g, '-')}.cpuprofile`);
    const { api } = await startApi(
      name,
      { ...env, PGLITE_DATA_DIR: copyOf(template, work, name), BENCH_CPU_PROFILE: file },
      ['--import', join(ROOT, 'bench', 'cpu-profile.mjs')],
    );
    await load(api, path); // warm-up, then a profile of exactly the measured round
    api.child.kill('SIGWINCH');
    await waitForFile(file);
    rmSync(file);
    const round = await load(api, path);
    api.child.kill('SIGWINCH');
    await waitForFile(file);
    await stopApi(api);
    profiled.push({ name, file, requests: round.requests });
  }
  const [on, off] = profiled;
  const rows: Row[] = [];
  for (const by of ['package', 'frame'] as const) {
    for (const d of topDifferences(
      on.file,
      on.requests,
      off.file,
      off.requests,
      by,
      by === 'package' ? 8 : 12,
    )) {
      rows.push({
        figure: `CPU profile, GET ${path} (401), traces 10% vs disabled, top ${by}: ${d.key}`,
        ours: `+${d.extraUs.toFixed(1)} us/req`,
        baseline: '',
        ratio: 0,
        target: REPORTED,
        met: true,
      });
    }
  }
  return rows;
}

async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      JSON.parse(readFileSync(file, 'utf8'));
      return;
    } catch {
      /* not written yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${file} was not written`);
}
