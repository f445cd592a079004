import { readFileSync, rmSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { connect as h2Connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { ApiClient } from '../../scripts/traffic/api-client.ts';
import type { Stack } from '../../scripts/stack/stack.ts';
import { httpRequestText } from '../../scripts/stack/https-client.ts';
import { goToolPath } from '../../scripts/lib/versions.ts';
import { readDeliveries } from '../support/notifications';
import { freePorts } from '../support/ports';
import {
  alertmanagerHeaders,
  alertmanagerUrl,
  REPO_ROOT,
  startTestStack,
  stopTestStack,
  TEST_INTERVAL,
} from '../support/stack';
import {
  apiUrls,
  bucketOnlyQuery,
  clusterNodes,
  notificationSenders,
  haPorts,
  maxGap,
  postAlert,
  thanosQuery,
  rawSamples,
  seriesKey,
  TwoInstanceTraffic,
} from '../support/ha';
import { waitFor } from '../support/wait';

/**
 * The HA profile (`npm run stack -- up --ha`) under faults, with real binaries on loopback: two API
 * instances, two Prometheus replicas remote-writing to Thanos Receive, Thanos Store/Query/Compactor
 * on a filesystem bucket, a 3-node Alertmanager cluster. One stack for the whole file; the faults
 * run one after the other (each restores what it broke). Scrape/evaluation every 2s, Receive cuts
 * 1-minute blocks, the shipped rules and Alertmanager timings (group_wait 30s, peer timeout 15s).
 * Each test prints its figure (console.log) for README "Operating at scale".
 */
jest.setTimeout(12 * 60_000);

const SCRAPE_SECONDS = Number(TEST_INTERVAL.replace('s', ''));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Date.now() / 1000;

let stack: Stack | undefined;
let traffic: TwoInstanceTraffic | undefined;
let stackUpAt = 0;

beforeAll(async () => {
  stack = await startTestStack({ ha: true });
  stackUpAt = now();
  traffic = new TwoInstanceTraffic(apiUrls(stack));
  // 1 request/s over both instances: under the per-route rate limit (100 per minute per client).
  traffic.start(1000);
});

afterAll(async () => {
  await traffic?.stop();
  await stopTestStack(stack);
});

describe('Thanos is TLS like the rest of the stack', () => {
  const thanosEndpoints = () =>
    stack!.components
      .filter((c) => c.name.startsWith('thanos-'))
      .flatMap((c) => c.endpoints.map((e) => [`${c.name}/${e.name}`, e] as const));

  it('status lists every Thanos endpoint as TLS: HTTP with basic auth, remote write and gRPC with a client certificate', () => {
    const listed = Object.fromEntries(thanosEndpoints().map(([n, e]) => [n, [e.tls, e.credentials.type]]));
    expect(listed).toEqual({
      'thanos-receive/web': [true, 'basic'],
      'thanos-receive/grpc': [true, 'client-certificate'],
      'thanos-receive/remote-write': [true, 'client-certificate'],
      'thanos-store/web': [true, 'basic'],
      'thanos-store/grpc': [true, 'client-certificate'],
      'thanos-compact/web': [true, 'basic'],
      'thanos-query/web': [true, 'basic'],
      'thanos-query/grpc': [true, 'client-certificate'],
    });
  });

  it('HTTP endpoints: plain HTTP refused, 401 without or with wrong credentials, 200 with the right ones', async () => {
    const ca = readFileSync(stack!.tls.caFile);
    const web = thanosEndpoints().filter(([n]) => n.endsWith('/web'));
    expect(web).toHaveLength(4);
    for (const [name, e] of web) {
      if (e.credentials.type !== 'basic') throw new Error(`${name}: not basic auth`);
      const url = `${e.url}/-/healthy`;
      const right = {
        user: e.credentials.username,
        password: readFileSync(e.credentials.passwordFile, 'utf8'),
      };
      const plain = await httpRequestText(url.replace(/^https:/, 'http:'), { basicAuth: right }).then(
        (r) => r.status,
        () => 'refused',
      );
      expect([name, plain === 400 || plain === 'refused' ? 'refused' : plain]).toEqual([name, 'refused']);
      expect([name, (await httpRequestText(url, { ca })).status]).toEqual([name, 401]);
      const wrong = { user: right.user, password: 'not-the-password' };
      expect([name, (await httpRequestText(url, { ca, basicAuth: wrong })).status]).toEqual([name, 401]);
      expect([name, (await httpRequestText(url, { ca, basicAuth: right })).status]).toEqual([name, 200]);
    }
  });

  it("remote write is HTTPS (plain HTTP refused); gRPC servers present the CA's certificate", async () => {
    const ca = readFileSync(stack!.tls.caFile);
    const [[, rw]] = thanosEndpoints().filter(([n]) => n === 'thanos-receive/remote-write');
    const plain = await httpRequestText(rw.url.replace(/^https:/, 'http:'), {
      method: 'POST',
      body: '',
    }).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(plain === 400 || plain === 'refused').toBe(true);
    // Over verified mutual TLS Receive answers (an empty write is a client error, not a TLS failure).
    const client = { cert: readFileSync(stack!.tls.certFile), key: readFileSync(stack!.tls.keyFile) };
    const overTls = await httpsPostOutcome(rw.url, { ca, ...client });
    expect(typeof overTls === 'number' && overTls >= 200).toBe(true);
    for (const [name, e] of thanosEndpoints().filter(([n]) => n.endsWith('/grpc'))) {
      const [host, port] = e.url.split(':');
      const authorized = await new Promise<boolean | string>((resolve) => {
        const socket = tlsConnect({ host, port: Number(port), ca, ...client, ALPNProtocols: ['h2'] }, () => {
          resolve(socket.authorized);
          socket.destroy();
        });
        socket.on('error', (err: Error) => resolve(err.message));
      });
      expect([name, authorized]).toEqual([name, true]);
    }
  });

  it('remote write and gRPC refuse a client without a certificate signed by the CA and accept the listed one', async () => {
    const ca = readFileSync(stack!.tls.caFile);
    const mutual = thanosEndpoints().filter(([, e]) => e.credentials.type === 'client-certificate');
    expect(mutual.map(([n]) => n).sort()).toEqual([
      'thanos-query/grpc',
      'thanos-receive/grpc',
      'thanos-receive/remote-write',
      'thanos-store/grpc',
    ]);
    for (const [name, e] of mutual) {
      if (e.credentials.type !== 'client-certificate') throw new Error(`${name}: no client certificate`);
      const client = { cert: readFileSync(e.credentials.certFile), key: readFileSync(e.credentials.keyFile) };
      const attempt = name.endsWith('/remote-write') ? httpsPostOutcome : grpcOutcome;
      const without = await attempt(e.url, { ca });
      expect([name, typeof without === 'number' ? `answered ${without}` : 'refused']).toEqual([
        name,
        'refused',
      ]);
      const withCert = await attempt(e.url, { ca, ...client });
      expect([name, typeof withCert]).toEqual([name, 'number']);
    }
  });
});

interface ClientTls {
  readonly ca: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

/** An empty remote-write POST: the HTTP status (the server answered) or the TLS/connection error. */
function httpsPostOutcome(url: string, tls: ClientTls): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpsRequest(url, { method: 'POST', ...tls, headers: { 'content-length': 0 } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve(err.message));
    req.end();
  });
}

/** One gRPC call (the standard health check) over HTTP/2: the HTTP status, or the TLS/connection error. */
function grpcOutcome(hostPort: string, tls: ClientTls): Promise<number | string> {
  return new Promise((resolve) => {
    const session = h2Connect(`https://${hostPort}`, { ...tls, servername: 'localhost' });
    const done = (outcome: number | string) => {
      session.destroy();
      resolve(outcome);
    };
    session.on('error', (err: Error) => done(err.message));
    session.setTimeout(10_000, () => done('timeout'));
    const call = session.request({
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    call.on('response', (headers) => done(Number(headers[':status'])));
    call.on('error', (err: Error) => done(err.message));
    // An empty HealthCheckRequest: uncompressed flag and a zero length.
    call.end(Buffer.alloc(5));
  });
}

describe('one user, two API instances (shared PostgreSQL and Redis)', () => {
  it('a session, its refresh-token rotation and reuse detection, and the rate limit hold across instances', async () => {
    const [a, b] = apiUrls(stack!).map((u) => new ApiClient(u));
    const email = `ha-${Date.now()}@example.com`;
    const password = 'correct horse battery staple 1';
    expect((await a.register(email, password)).status).toBe(201);
    const login = await a.login(email, password);
    expect(login.status).toBe(200);
    // Issued by a, accepted by b.
    expect((await b.me(login.body.accessToken)).status).toBe(200);
    // Rotated on b; the old refresh token reused on a ends the whole session, seen by both.
    const rotated = await b.refresh(login.body.refreshToken);
    expect(rotated.status).toBe(200);
    expect((await a.me(rotated.body.accessToken)).status).toBe(200);
    expect((await a.refresh(login.body.refreshToken)).status).toBe(401);
    expect((await b.me(rotated.body.accessToken)).status).toBe(401);
    expect((await a.refresh(rotated.body.refreshToken)).status).toBe(401);

    // The per-route limit (100 per minute per client) counts requests to BOTH instances together.
    const statuses: number[] = [];
    for (let i = 0; i < 110; i++) statuses.push((await [a, b][i % 2].content('no-such-content')).status);
    const limitedAt = statuses.indexOf(429);
    console.log(
      `ha: rate limit across two instances: first 429 at request ${limitedAt + 1} of 110 (limit 100)`,
    );
    expect(limitedAt).toBe(100);
    expect(statuses.slice(100).every((s) => s === 429)).toBe(true);
  });
});

describe('one API instance stopped', () => {
  it('APIDown fires for that instance alone, is notified once, and the balanced traffic loses no request', async () => {
    const ha = haPorts(stack!);
    const downInstance = `127.0.0.1:${ha.apiB}`;
    const stoppedAt = Date.now();
    await stack!.stop('api-b');
    const firing = await waitFor(
      'APIDown firing in Thanos Query',
      async () => {
        const query = thanosQuery(stack!);
        const res = await fetch(
          `${query.url}/api/v1/query?query=${encodeURIComponent('ALERTS{alertname="APIDown",alertstate="firing"}')}`,
          { headers: query.headers },
        );
        const body = (await res.json()) as { data: { result: { metric: Record<string, string> }[] } };
        return body.data.result.length > 0 && body.data.result;
      },
      { timeoutMs: 150_000, intervalMs: 1000 },
    );
    expect(firing.map((r) => r.metric.instance)).toEqual([downInstance]);
    // What Alertmanager holds: one APIDown alert (both replicas send it; `replica` is dropped).
    const held = (await (
      await fetch(`${alertmanagerUrl(stack!)}/api/v2/alerts?filter=alertname%3D%22APIDown%22`, {
        headers: alertmanagerHeaders(stack!),
      })
    ).json()) as { labels: Record<string, string> }[];
    expect(held.map((x) => x.labels.instance)).toEqual([downInstance]);
    expect(held[0].labels).not.toHaveProperty('replica');
    const notified = await waitFor(
      'the APIDown notification',
      async () => {
        const d = (await readDeliveries(stack!.layout.dataDir)).filter(
          (x) => x.alertname === 'APIDown' && x.status === 'firing',
        );
        return d.length > 0 && d;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    await sleep(20_000); // a second node's notification, if deduplication failed, would come by now
    const deliveries = (await readDeliveries(stack!.layout.dataDir)).filter(
      (x) => x.alertname === 'APIDown' && x.status === 'firing',
    );
    const perChannel = deliveries.map((x) => `${x.receiver}/${x.channel}`).sort();
    console.log(
      `ha: APIDown for ${downInstance} notified ${((notified[0].receivedAt - stoppedAt) / 1000).toFixed(0)} s after the stop; ` +
        `${deliveries.length} deliveries (${perChannel.join(', ')}); traffic: ${traffic!.requests} requests, ` +
        `${traffic!.firstAttemptFailures} retried on the other instance, ${traffic!.failedAfterRetry.length} failed`,
    );
    expect(perChannel).toEqual(['critical-alerts/email', 'critical-alerts/slack']);
    expect(traffic!.firstAttemptFailures).toBeGreaterThan(0);
    expect(traffic!.failedAfterRetry).toEqual([]);
    await stack!.start('api-b');
  });
});

describe('one Prometheus replica killed for two minutes', () => {
  it('Thanos Query shows no gap in up or in the request counters, and no duplicate series', async () => {
    const selectors = [
      'up{job="mytelevision-api"}',
      'mytelevision_http_requests_total{job="mytelevision-api",path="/api/v1/contents"}',
    ];
    const killedAt = now();
    await stack!.kill('prometheus-b');
    await sleep(120_000);
    await stack!.start('prometheus-b');
    await sleep(10_000);
    const to = now() - SCRAPE_SECONDS;
    const from = killedAt - 30;
    const report: string[] = [];
    for (const selector of selectors) {
      const deduplicated = await rawSamples(thanosQuery(stack!), selector, now() - from + 5);
      const raw = await rawSamples(thanosQuery(stack!), selector, now() - from + 5, { dedup: false });
      // Both replicas' series are there, and deduplication leaves one per label set without `replica`.
      expect(new Set(raw.map((s) => s.metric.replica))).toEqual(new Set(['a', 'b']));
      const keys = deduplicated.map((s) => seriesKey(s.metric));
      expect(new Set(keys).size).toBe(keys.length);
      expect(deduplicated.every((s) => !('replica' in s.metric))).toBe(true);
      const existing = deduplicated.filter((s) => s.times[0] <= from);
      expect(existing.length).toBeGreaterThan(0);
      const gap = Math.max(...existing.map((s) => maxGap(s, from, to)));
      report.push(`${selector.split('{')[0]}: ${existing.length} series, largest gap ${gap.toFixed(1)} s`);
      // A gap would span the two minutes; samples come every scrape interval.
      expect(gap).toBeLessThan(5 * SCRAPE_SECONDS);
    }
    console.log(`ha: replica b killed 120 s; Thanos Query (dedup): ${report.join('; ')}`);
  });
});

describe("one replica's storage wiped", () => {
  it('the history before the wipe is still queryable, and the bucket alone holds it', async () => {
    const prometheusData = join(stack!.layout.dataDir, 'prometheus', 'data');
    await stack!.stop('prometheus');
    const wipedAt = now();
    rmSync(prometheusData, { recursive: true, force: true });
    await stack!.start('prometheus');
    const from = stackUpAt + 10;
    const up = await rawSamples(thanosQuery(stack!), 'up{job="mytelevision-api"}', now() - from + 5);
    const gap = Math.max(...up.map((s) => maxGap(s, from, wipedAt - SCRAPE_SECONDS)));
    expect(gap).toBeLessThan(5 * SCRAPE_SECONDS);
    // The bucket alone (a Query of its own on the Store Gateway): the blocks Receive uploaded.
    const [grpc, http] = await freePorts(2);
    const bucket = await bucketOnlyQuery(stack!, goToolPath(REPO_ROOT, 'thanos'), [grpc, http]);
    try {
      const inBucket = await waitFor(
        'history in the bucket',
        async () => {
          const s = await rawSamples(bucket, 'up{job="mytelevision-api"}', now() - from + 5);
          return s.length > 0 && s;
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      );
      const first = Math.min(...inBucket.map((s) => s.times[0]));
      const last = Math.max(...inBucket.map((s) => s.times[s.times.length - 1]));
      console.log(
        `ha: after wiping replica a: Thanos Query covers ${(wipedAt - from).toFixed(0)} s before the wipe, largest gap ${gap.toFixed(1)} s; ` +
          `the bucket alone holds ${(last - first).toFixed(0)} s of it (its newest sample ${(wipedAt - last).toFixed(0)} s before the wipe)`,
      );
      expect(first).toBeLessThan(from + 60);
    } finally {
      await bucket.stop();
    }
  });
});

describe('the Alertmanager node that would send is SIGKILLed', () => {
  it('the alert is delivered once; after the node rejoins nothing is resent', async () => {
    const nodes = await clusterNodes(stack!);
    expect(nodes.every((n) => n.peers.length === 3)).toBe(true);
    // Alertmanager orders the peers by name: position 0 notifies first, the others wait peer_timeout each.
    // (Go's string order: bytes, as `<` compares these ASCII names.)
    const order = [...nodes].sort((x, y) => (x.name < y.name ? -1 : 1));
    const sender = order[0];
    const labels = { alertname: 'HaClusterTest', severity: 'critical', instance: 'ha-test' };
    const startsAt = new Date();
    const postedAt = Date.now();
    // Prometheus sends every alert to every node; so does this test, and keeps re-sending.
    const sendToAll = () => Promise.all(nodes.map((n) => postAlert(n, labels, startsAt)));
    expect(await sendToAll()).toEqual([true, true, true]);
    await stack!.kill(sender.component);
    const resend = setInterval(() => void sendToAll(), 5000);
    try {
      const count = async () =>
        (await readDeliveries(stack!.layout.dataDir)).filter((x) => x.alertname === labels.alertname);
      const first = await waitFor(
        'the HaClusterTest notification',
        async () => (await count()).length > 0 && count(),
        {
          timeoutMs: 120_000,
          intervalMs: 500,
        },
      );
      const delay = (Math.min(...first.map((d) => d.receivedAt)) - postedAt) / 1000;
      const senders = await notificationSenders(stack!.layout.notifications, nodes, labels.alertname);
      await sleep(20_000);
      const beforeRejoin = await count();
      await stack!.start(sender.component);
      await waitFor(
        'the node back in the cluster',
        async () => (await clusterNodes(stack!)).every((n) => n.peers.length === 3),
        { timeoutMs: 60_000, intervalMs: 1000 },
      );
      // group_wait (30 s) + two peer timeouts (15 s each) + margin: a resend would have come by then.
      await sleep(75_000);
      const afterRejoin = await count();
      console.log(
        `ha: ${sender.component} (position 0) SIGKILLed: delivered by ${[...new Set(senders)].join(', ')} (per delivery: ${senders.join(', ')}) ${delay.toFixed(0)} s after the alert; ` +
          `${beforeRejoin.length} deliveries before it rejoined, ${afterRejoin.length} after (email + Slack of one notification = 2)`,
      );
      expect(beforeRejoin.map((d) => d.channel).sort()).toEqual(['email', 'slack']);
      // The deliveries (e-mail, Slack) of the one notification name one surviving node.
      const named = new Set(senders.filter((x) => x !== '?'));
      expect(named.size).toBe(1);
      expect(named.has(sender.component)).toBe(false);
      expect(afterRejoin.length).toBe(beforeRejoin.length);
    } finally {
      clearInterval(resend);
    }
  });
});
