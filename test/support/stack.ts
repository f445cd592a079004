import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DEFAULT_PORTS,
  HA_DEFAULT_PORTS,
  type HaPortName,
  type HaPorts,
  type PortName,
  type StackPorts,
} from '../../scripts/stack/ports.ts';
import { Stack } from '../../scripts/stack/stack.ts';
import type { StackOptions } from '../../scripts/stack/components.ts';
import { BASIC_AUTH_USER } from '../../scripts/stack/components.ts';
import { freePorts } from './ports';
import type { PrometheusEndpoint } from './prometheus-api';

/**
 * The native stack (scripts/stack) for one end-to-end test file: a fresh data dir under /tmp, spare
 * loopback ports, short Prometheus intervals (a rendered copy of prometheus.yml; the rules are the
 * shipped ones) and a short span-metrics flush. `stopTestStack` stops every process by pid and
 * deletes the data dir; call it in afterAll (it also runs when a test failed).
 */

export const REPO_ROOT = resolve(__dirname, '..', '..');
/** Scrape and rule evaluation interval of the test stacks. */
export const TEST_INTERVAL = '2s';

/** Stacks started by this test process: if it exits without afterAll (killed, crashed), no daemon survives it. */
const running = new Set<Stack>();
process.on('exit', () => {
  for (const stack of running) {
    for (const c of stack.components) {
      const pid = stack.pid(c.name);
      try {
        if (pid && stack.running(c.name)) process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
});

/** `Authorization: Basic` header of user `prometheus` with the password in the stack's secret file `secret`. */
export function basicAuthHeader(stack: Stack, secret: string): Record<string, string> {
  const password = readFileSync(join(stack.layout.secrets, secret), 'utf8');
  return { authorization: `Basic ${Buffer.from(`${BASIC_AUTH_USER}:${password}`).toString('base64')}` };
}

/** Prometheus's HTTPS API with its basic-auth credentials (the CA is trusted by trustStackCa). */
export const promUrl = (stack: Stack): PrometheusEndpoint => ({
  url: `https://127.0.0.1:${stack.ports.prometheus}`,
  headers: basicAuthHeader(stack, 'prometheus_basic_auth_password'),
});
export const apiUrl = (stack: Stack) => `https://127.0.0.1:${stack.ports.api}`;
export const alertmanagerUrl = (stack: Stack) => `https://127.0.0.1:${stack.ports.alertmanager}`;
export const alertmanagerHeaders = (stack: Stack) =>
  basicAuthHeader(stack, 'alertmanager_basic_auth_password');

/**
 * This test process trusts the stack's private CA (in addition to the system's), so fetch and
 * node:https verify the stack's certificates like any other client: nothing is left unverified.
 */
export function trustStackCa(stack: Stack): void {
  const ca = readFileSync(stack.tls.caFile, 'utf8');
  const current = getCACertificates('default');
  if (!current.includes(ca)) setDefaultCACertificates([...current, ca]);
}

export interface TestStackOptions {
  readonly apiEnv?: StackOptions['apiEnv'];
  readonly collectorEnv?: StackOptions['collectorEnv'];
  /** The HA profile (scripts/stack/ha.ts) with short Thanos intervals: Receive cuts 1-minute blocks. */
  readonly ha?: boolean;
  /** Renderer variables of Alertmanager: timing overrides (ALERTMANAGER_GROUP_WAIT etc.). */
  readonly alertmanagerEnv?: StackOptions['alertmanagerEnv'];
  /** Every rule's `for:` divided by this (alert-delivery tests; promtool checks the shipped ones). */
  readonly ruleForDivisor?: number;
}

/**
 * Alertmanager timings for alert-delivery tests: notifications within seconds of the alert, the
 * heartbeat every 10 s; the shipped defaults (30s / 5m / 4h) are checked by the config tests.
 */
export const FAST_ALERTMANAGER: Readonly<Record<string, string>> = {
  ALERTMANAGER_GROUP_WAIT: '1s',
  ALERTMANAGER_GROUP_INTERVAL: '5s',
  HEARTBEAT_REPEAT_INTERVAL: '10s',
};

export async function startTestStack(options: TestStackOptions = {}): Promise<Stack> {
  const names = Object.keys(DEFAULT_PORTS) as PortName[];
  const haNames = options.ha ? (Object.keys(HA_DEFAULT_PORTS) as HaPortName[]) : [];
  const free = await freePorts(names.length + haNames.length);
  const ports = Object.fromEntries(names.map((n, i) => [n, free[i]])) as StackPorts;
  const haPorts = Object.fromEntries(haNames.map((n, i) => [n, free[names.length + i]])) as HaPorts;
  const dataDir = mkdtempSync(join(tmpdir(), 'mtv-e2e-stack-'));
  // PostgreSQL runs as the postgres user (as root): it must traverse the data dir to its own cluster.
  chmodSync(dataDir, 0o755);
  const stack = new Stack({
    root: REPO_ROOT,
    dataDir,
    ports,
    prometheus: {
      scrapeInterval: TEST_INTERVAL,
      evaluationInterval: TEST_INTERVAL,
      ruleForDivisor: options.ruleForDivisor,
    },
    apiEnv: { LOG_LEVEL: 'info', ...options.apiEnv },
    alertmanagerEnv: options.alertmanagerEnv,
    collectorEnv: { OTELCOL_SPANMETRICS_FLUSH_INTERVAL: '2s', ...options.collectorEnv },
    fastDurability: true,
    ha: options.ha ? { ports: haPorts, storeSyncInterval: '5s', receiveBlockDuration: '1m' } : undefined,
  });
  running.add(stack);
  trustStackCa(stack);
  try {
    await stack.up(() => undefined, 120_000);
  } catch (error) {
    await stack.down({ purge: false });
    throw new Error(`${(error as Error).message}\n(stack logs kept in ${stack.layout.logs})`);
  }
  return stack;
}

export async function stopTestStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  await stack.down({ purge: true });
  running.delete(stack);
}
