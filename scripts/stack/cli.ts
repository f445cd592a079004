/**
 * `npm run stack -- up|down|status|logs|alerts` (through scripts/stack.sh, which installs what is
 * missing first). Runs from the repository root; state under MTV_STACK_DIR (default .data/stack).
 *
 *   up [--ha] [--port-offset N]  start what is not running, wait for every Prometheus target, print URLs;
 *                            --ha: the HA profile (two APIs, two Prometheus, 3 Alertmanagers, Thanos)
 *   down [--purge]           stop every process started, by pid; --purge also deletes the data dir
 *   status [--json]          each component: running / starting / crashed / stopped, pid, memory;
 *                            --json: one document (components, endpoints, CA and credential files)
 *   logs [component] [-f] [-n N]   last lines of one log or of all; -f follows
 *   alerts                   notifications received by the local mail catcher and Slack receiver
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { logFile, stackLayout } from './layout.ts';
import { treeRssBytes, mib } from './memory.ts';
import { readNotifications } from './notification-sinks.ts';
import { resolveHaPorts, resolvePorts } from './ports.ts';
import { readState, Stack } from './stack.ts';
import { statusDocument } from './status-json.ts';
import { isRecordedProcessAlive } from './daemon.ts';

const USAGE =
  'usage: npm run stack -- up [--ha] [--port-offset N] | down [--purge] | status [--json] | logs [component] [-f] [-n N] | alerts';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function openStack(root: string, args: string[]): Stack {
  const dataDir = resolve(root, process.env.MTV_STACK_DIR || join('.data', 'stack'));
  const saved = readState(stackLayout(dataDir));
  // A stack that is (partly) running keeps the ports it was started with.
  if (saved && Object.values(saved.components).some(isRecordedProcessAlive)) {
    // The profile cannot change under running processes (ports and configs differ).
    if (args.includes('--ha') && !saved.options.ha)
      throw new Error('the stack is running without --ha: `npm run stack -- down` first, then `up --ha`');
    return new Stack({ ...saved.options, root, dataDir });
  }
  const offset = Number(option(args, '--port-offset') ?? 0);
  if (!Number.isInteger(offset)) throw new Error(`--port-offset must be an integer\n${USAGE}`);
  const ports = resolvePorts(process.env, offset);
  const ha = args.includes('--ha') ? { ports: resolveHaPorts(process.env, ports, offset) } : undefined;
  return new Stack({ root, dataDir, ports, ha });
}

async function up(stack: Stack): Promise<void> {
  const report = await stack.up((line) => console.log(`stack: ${line}`));
  if (report.started.length === 0) console.log('stack: already running, nothing to start');
  else if (report.alreadyRunning.length > 0)
    console.log(`stack: already running: ${report.alreadyRunning.join(', ')}`);
  console.log(`stack: up in ${(report.durationMs / 1000).toFixed(1)} s, every Prometheus target is up\n`);
  printUrls(stack);
}

function printUrls(stack: Stack): void {
  const p = stack.ports;
  const secret = (name: string) => join(stack.layout.secrets, name);
  const rows: [string, string][] = [
    [
      'CA certificate',
      `${stack.tls.caFile}  (every endpoint below is HTTPS/TLS signed by it: curl --cacert)`,
    ],
    [
      'Credentials',
      `${stack.layout.secrets}/  (one file per secret; npm run stack -- status --json lists them per endpoint)`,
    ],
    [
      'API',
      `https://127.0.0.1:${p.api}  (metrics: /metrics with the bearer token in ${secret('metrics_token')})`,
    ],
    [
      'Prometheus',
      `https://127.0.0.1:${p.prometheus}  (user prometheus, password in ${secret('prometheus_basic_auth_password')}; /targets, /alerts)`,
    ],
    [
      'Alertmanager',
      `https://127.0.0.1:${p.alertmanager}  (user prometheus, password in ${secret('alertmanager_basic_auth_password')})`,
    ],
    [
      'Exporters',
      `node https://127.0.0.1:${p.nodeExporter}, postgres https://127.0.0.1:${p.postgresExporter} blackbox https://127.0.0.1:${p.blackboxExporter} (user prometheus, password in ${secret('exporters_basic_auth_password')}); redis https://127.0.0.1:${p.redisExporter} (no auth: Debian's 1.45)`,
    ],
    [
      'Collector',
      `OTLP grpc 127.0.0.1:${p.otlpGrpc} (TLS), http https://127.0.0.1:${p.otlpHttp}; metrics https://127.0.0.1:${p.collectorPrometheus}/metrics (bearer token in ${secret('otelcol_token')} on OTLP and metrics); own telemetry http://127.0.0.1:${p.collectorMetrics}/metrics (no TLS or auth option)`,
    ],
    [
      'PostgreSQL',
      `postgres://mytelevision@127.0.0.1:${p.postgres}/mytelevision?sslmode=verify-full  (password in ${secret('postgres_password')}; read-only: mytelevision_readonly, ${secret('postgres_readonly_password')})`,
    ],
    [
      'Redis',
      `redis://mytelevision-api@127.0.0.1:${p.redis}  (password in ${secret('redis_api_password')}; read-only user readonly: ${secret('redis_readonly_password')})`,
    ],
    [
      'Mail + Slack sinks',
      `smtp 127.0.0.1:${p.smtp} (STARTTLS), webhook https://127.0.0.1:${p.webhook}  (npm run stack -- alerts; files in ${stack.layout.notifications})`,
    ],
    ['Traces', stack.layout.tracesFile],
    ['Logs', `${stack.layout.logs}  (npm run stack -- logs [component])`],
    [
      'Grafana',
      'not part of the native stack (not in Debian): use docker compose, or point a Grafana at Prometheus above',
    ],
  ];
  const ha = stack.options.ha?.ports;
  if (ha)
    rows.splice(
      3,
      0,
      ['API b', `http://127.0.0.1:${ha.apiB}`],
      ['Prometheus b', `http://127.0.0.1:${ha.prometheusB}  (replica b; a is the one above)`],
      [
        'Alertmanager b, c',
        `http://127.0.0.1:${ha.alertmanagerB}, http://127.0.0.1:${ha.alertmanagerC}  (one cluster)`,
      ],
      [
        'Thanos Query',
        `http://127.0.0.1:${ha.thanosQueryHttp}  (PromQL over Receive + the bucket, deduplicated)`,
      ],
      ['Thanos bucket', `${stack.layout.dataDir}/thanos/bucket`],
    );
  if (!stack.components.some((c) => c.name === 'cadvisor'))
    rows.push([
      'cAdvisor',
      'not built on this host: job cadvisor has no native target (scripts/stack/README.md)',
    ]);
  for (const [name, url] of rows) console.log(`  ${name.padEnd(20)} ${url}`);
  console.log(
    `\n  e.g.  curl --cacert ${stack.tls.caFile} -u "prometheus:$(cat ${secret('prometheus_basic_auth_password')})" https://127.0.0.1:${p.prometheus}/api/v1/targets`,
  );
}

async function status(stack: Stack): Promise<number> {
  const rows = await stack.status();
  let total = 0;
  for (const r of rows) {
    const rss = r.pid && r.state !== 'crashed' ? treeRssBytes(r.pid) : 0;
    total += rss;
    const note = r.state === 'crashed' ? `  exited unexpectedly, see ${r.log}` : '';
    console.log(
      `${r.name.padEnd(20)} ${r.state.padEnd(9)} ${String(r.pid ?? '-').padEnd(8)} ${rss ? mib(rss).padStart(9) : '        -'}${note}`,
    );
  }
  console.log(`${'total'.padEnd(39)} ${mib(total).padStart(9)}`);
  const bad = rows.filter((r) => r.state === 'crashed' || r.state === 'starting');
  return bad.length > 0 ? 1 : rows.every((r) => r.state === 'stopped') ? 3 : 0;
}

function logs(stack: Stack, args: string[]): Promise<void> {
  const component = args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-n');
  const files = component
    ? [logFile(stack.layout, stack.component(component).name)]
    : stack.components.map((c) => logFile(stack.layout, c.name));
  const existing = files.filter((f) => existsSync(f));
  if (existing.length === 0) {
    console.log('stack: no logs yet');
    return Promise.resolve();
  }
  const tailArgs = [
    '-n',
    option(args, '-n') ?? (component ? '100' : '20'),
    ...(args.includes('-f') ? ['-F'] : []),
    ...existing,
  ];
  return new Promise((done) => spawn('tail', tailArgs, { stdio: 'inherit' }).on('exit', () => done()));
}

async function alerts(stack: Stack): Promise<void> {
  const { emails, slack } = await readNotifications(stack.layout.notifications);
  console.log(`e-mails (${emails.length}):`);
  for (const e of emails) console.log(`  ${e.receivedAt}  to ${e.envelope.to.join(',')}  ${e.subject}`);
  console.log(`slack (${slack.length}):`);
  for (const s of slack) {
    const p = s.payload as { channel?: string; attachments?: { title?: string }[] };
    console.log(`  ${s.receivedAt}  ${p.channel ?? '?'}  ${p.attachments?.[0]?.title ?? ''}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const root = process.cwd();
  if (
    !existsSync(join(root, 'package.json')) ||
    !readFileSync(join(root, 'package.json'), 'utf8').includes('"mytelevision-observability"')
  ) {
    throw new Error('run from the repository root (npm run stack -- …)');
  }
  switch (command) {
    case 'up':
      await up(openStack(root, args));
      return 0;
    case 'down': {
      const stack = openStack(root, args);
      const stopped = await stack.down({ purge: args.includes('--purge') });
      console.log(
        `stack: stopped ${stopped.length ? stopped.join(', ') : 'nothing (not running)'}${args.includes('--purge') ? `; deleted ${stack.layout.dataDir}` : ''}`,
      );
      return 0;
    }
    case 'status':
      if (args.includes('--json')) {
        const stack = openStack(root, args);
        const document = await statusDocument(stack);
        console.log(JSON.stringify(document, null, 2));
        return document.components.some((c) => c.state === 'crashed' || c.state === 'starting') ? 1 : 0;
      }
      return status(openStack(root, args));
    case 'logs':
      await logs(openStack(root, args), args);
      return 0;
    case 'alerts':
      await alerts(openStack(root, args));
      return 0;
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`stack: ${error.message}`);
    process.exit(1);
  },
);
