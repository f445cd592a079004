import { spawn, type ChildProcess } from 'node:child_process';
import { ApiClient } from '../../scripts/traffic/api-client.ts';
import type { Stack } from '../../scripts/stack/stack.ts';
import type { HaPorts } from '../../scripts/stack/ports.ts';
import { readNotifications } from '../../scripts/stack/notification-sinks.ts';
import { join } from 'node:path';
import { alertmanagerHeaders, basicAuthHeader } from './stack';
import type { PrometheusEndpoint } from './prometheus-api';

/** Helpers of the HA tests (test/ha): Thanos Query's raw samples, a two-instance client, Alertmanager cluster state. */

export const haPorts = (stack: Stack): HaPorts => {
  if (!stack.options.ha) throw new Error('not an HA stack');
  return stack.options.ha.ports;
};
/** Thanos Query's HTTPS API: Prometheus's basic auth (its web config), the CA trusted by trustStackCa. */
export const thanosQuery = (stack: Stack): PrometheusEndpoint => ({
  url: `https://127.0.0.1:${haPorts(stack).thanosQueryHttp}`,
  headers: basicAuthHeader(stack, 'prometheus_basic_auth_password'),
});
export const apiUrls = (stack: Stack) => [
  `https://127.0.0.1:${stack.ports.api}`,
  `https://127.0.0.1:${haPorts(stack).apiB}`,
];

export interface RawSeries {
  readonly metric: Record<string, string>;
  /** Sample timestamps, seconds. */
  readonly times: number[];
}

/** Raw samples of `selector` over the last `windowSeconds` (a range-vector instant query). */
export async function rawSamples(
  query: PrometheusEndpoint,
  selector: string,
  windowSeconds: number,
  options: { dedup?: boolean } = {},
): Promise<RawSeries[]> {
  const params = new URLSearchParams({
    query: `${selector}[${Math.ceil(windowSeconds)}s]`,
    dedup: String(options.dedup ?? true),
    partial_response: 'true',
  });
  const res = await fetch(`${query.url}/api/v1/query?${params.toString()}`, { headers: query.headers });
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  if (body.status !== 'success') throw new Error(`${selector}: ${body.error}`);
  return body.data.result.map((r) => ({ metric: r.metric, times: r.values.map((v) => v[0]) }));
}

/** The longest interval without a sample inside [from, to] (seconds), counting the edges. */
export function maxGap(series: RawSeries, from: number, to: number): number {
  const inside = series.times.filter((t) => t >= from && t <= to);
  if (inside.length === 0) return to - from;
  let gap = Math.max(inside[0] - from, to - inside[inside.length - 1]);
  for (let i = 1; i < inside.length; i++) gap = Math.max(gap, inside[i] - inside[i - 1]);
  return gap;
}

export const seriesKey = (metric: Record<string, string>) =>
  JSON.stringify(Object.entries(metric).sort(([a], [b]) => a.localeCompare(b)));

/**
 * A client-side balancer over both API instances: each request goes to the next instance in turn,
 * and on a connection failure or a 5xx once to the other one (what a load balancer's retry does).
 */
export class TwoInstanceTraffic {
  firstAttemptFailures = 0;
  failedAfterRetry: string[] = [];
  requests = 0;
  private timer: NodeJS.Timeout | undefined;
  private turn = 0;
  private inFlight = Promise.resolve();
  private readonly clients: ApiClient[];

  constructor(urls: string[]) {
    this.clients = urls.map((u) => new ApiClient(u));
  }

  /** One request every `intervalMs` (the API's rate limit is per route: stay under it). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.inFlight = this.inFlight.then(() => this.once());
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  private async once(): Promise<void> {
    const first = this.turn++ % this.clients.length;
    this.requests++;
    const attempt = async (i: number): Promise<string | undefined> => {
      try {
        const res = await this.clients[i].request('GET', '/api/v1/contents', {});
        return res.status >= 500 || res.status === 429 ? `HTTP ${res.status}` : undefined;
      } catch (error) {
        return (error as Error).message;
      }
    };
    const error = await attempt(first);
    if (!error) return;
    this.firstAttemptFailures++;
    const retry = await attempt((first + 1) % this.clients.length);
    if (retry) this.failedAfterRetry.push(`${new Date().toISOString()} ${error} / retry: ${retry}`);
  }
}

export interface ClusterNode {
  readonly component: string;
  readonly url: string;
  /** Basic auth of the Alertmanager web config. */
  readonly headers: Record<string, string>;
  readonly name: string;
  readonly peers: string[];
}

/** Each Alertmanager node's gossip name and the peers it sees. */
export async function clusterNodes(stack: Stack): Promise<ClusterNode[]> {
  const headers = alertmanagerHeaders(stack);
  const ha = haPorts(stack);
  const nodes: [string, number][] = [
    ['alertmanager', stack.ports.alertmanager],
    ['alertmanager-b', ha.alertmanagerB],
    ['alertmanager-c', ha.alertmanagerC],
  ];
  return Promise.all(
    nodes.map(async ([component, port]) => {
      const url = `https://127.0.0.1:${port}`;
      const status = (await (await fetch(`${url}/api/v2/status`, { headers })).json()) as {
        cluster: { name: string; peers: { name: string }[] };
      };
      return {
        component,
        url,
        headers,
        name: status.cluster.name,
        peers: status.cluster.peers.map((p) => p.name),
      };
    }),
  );
}

/**
 * Which node sent each notification of `alertname`: the template links to the sending node's own
 * `--web.external-url` (silence page in e-mails, alert list in Slack's fallback), which differs per node.
 */
export async function notificationSenders(
  notificationsDir: string,
  nodes: readonly ClusterNode[],
  alertname: string,
): Promise<string[]> {
  const { emails, slack } = await readNotifications(notificationsDir);
  return [...emails, ...slack]
    .map((n) => JSON.stringify(n))
    .filter((text) => text.includes(alertname))
    .map(
      (text) =>
        nodes
          .filter((node) => text.includes(`${node.url}/#/`))
          .map((node) => node.component)
          .join('+') || '?',
    );
}

/** Posts one alert to an Alertmanager, as Prometheus does (fails quietly when the node is down). */
export async function postAlert(
  node: ClusterNode,
  labels: Record<string, string>,
  startsAt: Date,
): Promise<boolean> {
  try {
    const res = await fetch(`${node.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...node.headers },
      body: JSON.stringify([
        {
          labels,
          annotations: { summary: 'HA test alert', description: 'posted by test/ha' },
          startsAt: startsAt.toISOString(),
          endsAt: new Date(Date.now() + 10 * 60_000).toISOString(),
        },
      ]),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** A Thanos Query of its own reading only the Store Gateway (the bucket), TLS like the stack's: stopped by `stop()`. */
export function bucketOnlyQuery(
  stack: Stack,
  thanos: string,
  ports: [number, number],
): Promise<PrometheusEndpoint & { stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    thanos,
    [
      'query',
      `--grpc-address=127.0.0.1:${ports[0]}`,
      `--http-address=127.0.0.1:${ports[1]}`,
      `--http.config=${join(stack.layout.web, 'prometheus.yml')}`,
      '--grpc-client-tls-secure',
      `--grpc-client-tls-ca=${stack.tls.caFile}`,
      // The Store Gateway requires a client certificate signed by the stack's CA.
      `--grpc-client-tls-cert=${stack.tls.certFile}`,
      `--grpc-client-tls-key=${stack.tls.keyFile}`,
      `--endpoint=127.0.0.1:${haPorts(stack).thanosStoreGrpc}`,
      '--query.replica-label=replica',
    ],
    { stdio: 'ignore' },
  );
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  return Promise.resolve({
    url: `https://127.0.0.1:${ports[1]}`,
    headers: basicAuthHeader(stack, 'prometheus_basic_auth_password'),
    stop,
  });
}
