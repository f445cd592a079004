import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseEnv,
  BASIC_AUTH_USER,
  componentContext,
  stackComponents,
  type Component,
  type Endpoint,
  type StackOptions,
} from './components.ts';
import { HA_COMPONENTS, haComponents, withHa } from './ha.ts';
import { httpJson } from './https-client.ts';
import {
  isRecordedProcessAlive,
  pidAlive,
  spawnDaemon,
  stopProcess,
  type ProcessIdentity,
} from './daemon.ts';
import { logFile, stackLayout, type StackLayout } from './layout.ts';
import { stackTls, type StackTls } from './tls.ts';
import type { StackPorts } from './ports.ts';

/**
 * The native stack's lifecycle: `up` (idempotent: running components are left alone), `down`
 * (stops every recorded pid, keeps data unless purged), `status`, and per-component stop/start
 * that the end-to-end tests use to inject faults.
 */

export interface ComponentState extends ProcessIdentity {
  readonly startedAt: string;
}

export interface StackState {
  readonly options: StackOptions;
  readonly components: Record<string, ComponentState>;
}

/** Order of start; stop runs backwards. Components in one phase start together. */
const PHASES: readonly (readonly string[])[] = [
  [
    'postgres',
    'redis',
    'node-exporter',
    'cadvisor',
    'otel-collector',
    'notification-sinks',
    ...HA_COMPONENTS.storage,
  ],
  [
    'postgres-exporter',
    'redis-exporter',
    'blackbox-exporter',
    'alertmanager',
    'api',
    ...HA_COMPONENTS.services,
  ],
  ['prometheus', ...HA_COMPONENTS.query],
];

export interface ComponentStatus {
  readonly name: string;
  readonly pid: number | undefined;
  /** running: recorded process alive and ready; starting: alive, not ready; crashed: recorded pid gone or now another process's; stopped: never started / stopped. */
  readonly state: 'running' | 'starting' | 'crashed' | 'stopped';
  readonly url?: string;
  readonly endpoints: readonly Endpoint[];
  readonly log: string;
}

export interface UpReport {
  readonly started: string[];
  readonly alreadyRunning: string[];
  readonly durationMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Stack {
  readonly options: StackOptions;
  readonly layout: StackLayout;
  readonly components: Component[];
  private state: StackState;

  constructor(options: StackOptions) {
    this.options = options;
    this.layout = stackLayout(options.dataDir);
    mkdirSync(this.layout.logs, { recursive: true });
    const context = componentContext(options, this.layout);
    const single = stackComponents(context);
    this.components = options.ha ? withHa(single, haComponents(context, options.ha)) : single;
    this.state = { options, components: readState(this.layout)?.components ?? {} };
  }

  get ports(): StackPorts {
    return this.options.ports;
  }

  /** The private CA and server certificate (tls/ in the data dir). */
  get tls(): StackTls {
    return stackTls(this.layout);
  }

  /** What a client of Prometheus's API needs: its URL, the CA and the basic-auth user (tests, `up`). */
  prometheusClient(): { url: string; ca: Buffer; basicAuth: { user: string; password: string } } {
    return {
      url: `https://127.0.0.1:${this.ports.prometheus}`,
      ca: readFileSync(this.tls.caFile),
      basicAuth: {
        user: BASIC_AUTH_USER,
        password: readFileSync(join(this.layout.secrets, 'prometheus_basic_auth_password'), 'utf8'),
      },
    };
  }

  component(name: string): Component {
    const c = this.components.find((x) => x.name === name);
    if (!c) throw new Error(`no component ${name} (known: ${this.components.map((x) => x.name).join(', ')})`);
    return c;
  }

  pid(name: string): number | undefined {
    return this.state.components[name]?.pid;
  }

  /** Starts every component not running yet, phase by phase, then waits until every target is up. */
  async up(log: (line: string) => void = () => undefined, timeoutMs = 180_000): Promise<UpReport> {
    const startedAt = Date.now();
    const started: string[] = [];
    const alreadyRunning: string[] = [];
    for (const phase of PHASES) {
      const names = phase.filter((n) => this.components.some((c) => c.name === n));
      await Promise.all(
        names.map(async (name) => {
          if (this.running(name)) {
            alreadyRunning.push(name);
            return;
          }
          await this.start(name, timeoutMs);
          log(`started ${name} (pid ${this.pid(name)})`);
          started.push(name);
        }),
      );
    }
    await this.waitForTargetsUp(timeoutMs);
    return { started, alreadyRunning, durationMs: Date.now() - startedAt };
  }

  /** Starts one component and resolves when it is ready (throws with its log tail if it exits). */
  async start(name: string, timeoutMs = 120_000): Promise<void> {
    const c = this.component(name);
    c.prepare?.();
    const spec = c.command();
    const log = logFile(this.layout, name);
    writeFileSync(log, `--- ${new Date().toISOString()} starting ${spec.command} ${spec.args.join(' ')}\n`, {
      flag: 'a',
    });
    const { pid, startTime } = spawnDaemon({
      command: spec.command,
      args: spec.args,
      cwd: spec.cwd ?? this.options.root,
      env: { ...baseEnv(), ...spec.env },
      logFile: log,
    });
    this.record(name, { pid, startTime, startedAt: new Date().toISOString() });
    const deadline = Date.now() + timeoutMs;
    while (!(await c.ready())) {
      if (!pidAlive(pid))
        throw new Error(`${name} exited while starting; last lines of ${log}:\n${tail(log, 30)}`);
      if (Date.now() > deadline)
        throw new Error(`${name} not ready after ${timeoutMs} ms; last lines of ${log}:\n${tail(log, 30)}`);
      await sleep(200);
    }
    c.afterReady?.();
  }

  /** True while the recorded process of `name` runs: its pid is alive with the recorded start time. */
  running(name: string): boolean {
    return isRecordedProcessAlive(this.state.components[name]);
  }

  /** Stops one component by its recorded pid (never a pid that now belongs to another process). */
  async stop(name: string): Promise<void> {
    const recorded = this.state.components[name];
    const c = this.component(name);
    if (recorded) await stopProcess(recorded, c.stopSignal ?? 'SIGTERM', c.stopGraceMs);
    this.forget(name);
  }

  /** SIGKILL, as a crash would (APIDown scenario). */
  async kill(name: string): Promise<void> {
    const recorded = this.state.components[name];
    if (recorded) await stopProcess(recorded, 'SIGKILL', 5000);
  }

  /** Stops everything in reverse start order; `purge` also deletes the data dir. */
  async down(options: { purge?: boolean } = {}): Promise<string[]> {
    const stopped: string[] = [];
    const known = new Set(this.components.map((c) => c.name));
    // Also components recorded by an earlier run but not known now (e.g. cadvisor no longer built).
    const recorded = Object.keys(this.state.components);
    const order = [...PHASES.flat().filter((n) => known.has(n) || recorded.includes(n))].reverse();
    for (const phase of [...PHASES].reverse()) {
      await Promise.all(
        phase
          .filter((n) => order.includes(n))
          .map(async (name) => {
            const recorded = this.state.components[name];
            const c = known.has(name) ? this.component(name) : undefined;
            if (recorded && (await stopProcess(recorded, c?.stopSignal ?? 'SIGTERM', c?.stopGraceMs)))
              stopped.push(name);
            this.forget(name);
          }),
      );
    }
    if (options.purge) rmSync(this.layout.dataDir, { recursive: true, force: true });
    return stopped;
  }

  async status(): Promise<ComponentStatus[]> {
    return Promise.all(
      this.components.map(async (c) => {
        const pid = this.pid(c.name);
        const alive = this.running(c.name);
        const state = !pid ? 'stopped' : !alive ? 'crashed' : (await c.ready()) ? 'running' : 'starting';
        return {
          name: c.name,
          pid,
          state,
          url: c.url,
          endpoints: c.endpoints,
          log: logFile(this.layout, c.name),
        };
      }),
    );
  }

  /** Every active Prometheus target `up` (the last scrape succeeded). */
  async waitForTargetsUp(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const down = await this.targetsNotUp().catch((e: Error) => [e.message]);
      if (down.length === 0) return;
      last = down.join('; ');
      if (Date.now() > deadline) throw new Error(`Prometheus targets not up after ${timeoutMs} ms: ${last}`);
      await sleep(500);
    }
  }

  /** Every Prometheus of the stack (HA: both replicas). */
  get prometheusPorts(): number[] {
    return this.options.ha
      ? [this.ports.prometheus, this.options.ha.ports.prometheusB]
      : [this.ports.prometheus];
  }

  async targetsNotUp(): Promise<string[]> {
    const down = await Promise.all(this.prometheusPorts.map((port) => this.targetsNotUpOn(port)));
    return down.flat();
  }

  private async targetsNotUpOn(port: number): Promise<string[]> {
    const { ca, basicAuth } = this.prometheusClient();
    const url = `https://127.0.0.1:${port}`;
    const body = await httpJson<{
      data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
    }>(`${url}/api/v1/targets?state=active`, { ca, basicAuth });
    const targets = body.data.activeTargets;
    if (targets.length === 0) return [`${port}: no active targets yet`];
    return targets
      .filter((t) => t.health !== 'up')
      .map((t) => `${port}: ${t.labels.job} ${t.labels.instance}: ${t.health} ${t.lastError}`);
  }

  private record(name: string, value: ComponentState): void {
    this.state = {
      options: this.options,
      components: { ...readState(this.layout)?.components, ...this.state.components, [name]: value },
    };
    this.save();
  }

  private forget(name: string): void {
    const components = { ...this.state.components };
    delete components[name];
    this.state = { options: this.options, components };
    if (existsSync(this.layout.dataDir)) this.save();
  }

  private save(): void {
    writeFileSync(this.layout.stateFile, `${JSON.stringify(this.state, null, 2)}\n`);
  }
}

export function readState(layout: StackLayout): StackState | undefined {
  try {
    return JSON.parse(readFileSync(layout.stateFile, 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '(no log)';
  }
}
