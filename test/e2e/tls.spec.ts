import { expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as http2Connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { Client as PgClient } from 'pg';
import type { Endpoint } from '../../scripts/stack/components.ts';
import { httpRequestText } from '../../scripts/stack/https-client.ts';
import type { Stack } from '../../scripts/stack/stack.ts';
import { statusDocument } from '../../scripts/stack/status-json.ts';
import { readDeliveries } from '../support/notifications';
import { freePorts } from '../support/ports';
import { ManagedProcess } from '../support/processes';
import { tool } from '../support/tools';
import {
  alertmanagerHeaders,
  alertmanagerUrl,
  REPO_ROOT,
  startTestStack,
  stopTestStack,
} from '../support/stack';
import { waitFor } from '../support/wait';

/**
 * HTTPS and authentication on every endpoint of the native stack, with the real binaries on
 * loopback: for each HTTP endpoint `status --json` lists, plain HTTP is refused, a client trusting
 * another CA refuses the certificate, no credentials get 401 and the right ones 200; OTLP/gRPC is
 * TLS; Redis, PostgreSQL and SMTP refuse what they must; every Prometheus target is scraped over
 * HTTPS; an alert reaches the sinks over HTTPS and SMTP STARTTLS.
 */

let stack: Stack | undefined;
let otherCaDir: string;
let otherCa: Buffer;
let ca: Buffer;

/** Endpoints whose credentials the running binaries cannot enforce (each says why in status --json). */
const WITHOUT_AUTH = new Set([
  'redis-exporter/metrics',
  'otel-collector/internal-metrics',
  'otel-collector/health',
  'notification-sinks/webhook',
  'api/web',
]);
/** The one endpoint without TLS: the Collector's own telemetry (its pull reader has no TLS option). */
const WITHOUT_TLS = new Set(['otel-collector/internal-metrics']);

beforeAll(async () => {
  stack = await startTestStack();
  ca = readFileSync(stack.tls.caFile);
  // A second CA with the same script: its certificates must not be accepted anywhere.
  otherCaDir = mkdtempSync(join(tmpdir(), 'mtv-other-ca-'));
  execFileSync('sh', [join(REPO_ROOT, 'scripts', 'tls', 'make-certs.sh'), otherCaDir], { stdio: 'pipe' });
  otherCa = readFileSync(join(otherCaDir, 'ca.crt'));
}, 240_000);

afterAll(async () => {
  await stopTestStack(stack);
  if (otherCaDir) rmSync(otherCaDir, { recursive: true, force: true });
}, 60_000);

type Named = [string, Endpoint];
const httpEndpoints = (): Named[] =>
  stack!.components.flatMap((c) =>
    c.endpoints.filter((e) => /^https?:/.test(e.url)).map((e): Named => [`${c.name}/${e.name}`, e]),
  );

/** The request a client with the right credentials sends (passwords read from the listed files). */
function credentialsOf(e: Endpoint): { basicAuth?: { user: string; password: string }; bearer?: string } {
  const c = e.credentials;
  if (c.type === 'basic')
    return { basicAuth: { user: c.username, password: readFileSync(c.passwordFile, 'utf8') } };
  if (c.type === 'bearer') return { bearer: readFileSync(c.tokenFile, 'utf8') };
  return {};
}

describe('status --json', () => {
  it('lists every component with pid, state, endpoints, the CA file and credential FILES (never a secret)', async () => {
    const doc = await statusDocument(stack!);
    expect(doc.caFile).toBe(stack!.tls.caFile);
    expect(doc.components.map((c) => c.name)).toEqual(stack!.components.map((c) => c.name));
    for (const c of doc.components) {
      expect([c.name, c.state, typeof c.pid]).toEqual([c.name, 'running', 'number']);
      expect(c.endpoints.length).toBeGreaterThan(0);
    }
    const text = JSON.stringify(doc);
    for (const file of [
      'prometheus_basic_auth_password',
      'metrics_token',
      'otelcol_token',
      'redis_api_password',
      'postgres_password',
    ]) {
      const secret = readFileSync(join(stack!.layout.secrets, file), 'utf8');
      expect(text.includes(secret)).toBe(false);
      expect(text).toContain(join(stack!.layout.secrets, file));
    }
  });

  it('says which endpoints have no TLS or no credentials, and exactly those (each with a reason)', () => {
    const all = stack!.components.flatMap((c) => c.endpoints.map((e) => [`${c.name}/${e.name}`, e] as const));
    expect(
      all
        .filter(([, e]) => !e.tls)
        .map(([n]) => n)
        .sort(),
    ).toEqual([...WITHOUT_TLS, 'redis/redis', 'redis/redis-readonly'].sort());
    const open = all.filter(([, e]) => e.credentials.type === 'none');
    expect(open.map(([n]) => n).sort()).toEqual([...WITHOUT_AUTH].sort());
    for (const [, e] of open) expect(e.credentials).toEqual({ type: 'none', reason: expect.any(String) });
  });
});

describe('every HTTP endpoint', () => {
  const cases = () => httpEndpoints().filter(([n]) => !WITHOUT_TLS.has(n));

  it('is HTTPS: a plain HTTP request is refused (400 from Go servers, the connection closed by Node)', async () => {
    for (const [name, e] of cases()) {
      const plain = e.url.replace(/^https:/, 'http:');
      const outcome = await httpRequestText(plain, credentialsOf(e)).then(
        (r) => r.status,
        () => 'refused',
      );
      expect([name, outcome === 400 || outcome === 'refused' ? 'refused' : outcome]).toEqual([
        name,
        'refused',
      ]);
    }
  });

  it('presents a certificate that a client trusting another CA refuses', async () => {
    for (const [name, e] of cases()) {
      const error = await httpRequestText(e.url, { ca: otherCa, ...credentialsOf(e) }).then(
        () => undefined,
        (err: NodeJS.ErrnoException) => err.code,
      );
      expect([name, error]).toEqual([name, expect.stringMatching(/CERT|SIGNATURE|UNABLE_TO_VERIFY/)]);
    }
  });

  it('answers 401 without credentials and 200 with them (where it has credentials)', async () => {
    const withAuth = cases().filter(([n]) => !WITHOUT_AUTH.has(n));
    expect(withAuth.map(([n]) => n).sort()).toEqual(
      [
        'alertmanager/web',
        'api/metrics',
        'blackbox-exporter/metrics',
        'node-exporter/metrics',
        'otel-collector/metrics',
        'otel-collector/otlp-grpc',
        'otel-collector/otlp-http',
        'postgres-exporter/metrics',
        'prometheus/web',
      ].sort(),
    );
    // OTLP/gRPC speaks HTTP/2 only: its own test below (grpc-status UNAUTHENTICATED, then OK).
    for (const [name, e] of withAuth.filter(([n]) => n !== 'otel-collector/otlp-grpc')) {
      const url = name.endsWith('/web') ? `${e.url}/-/healthy` : e.url;
      // OTLP/HTTP: an empty JSON export request, which the receiver accepts (200) once authenticated.
      const request =
        name === 'otel-collector/otlp-http'
          ? { url: `${e.url}/v1/traces`, body: '{}', headers: { 'content-type': 'application/json' } }
          : { url };
      const send = (extra: object) => httpRequestText(request.url, { ca, ...request, ...extra });
      expect([name, (await send({})).status]).toEqual([name, 401]);
      const wrong =
        e.credentials.type === 'basic'
          ? { basicAuth: { user: e.credentials.username, password: 'not-the-password' } }
          : { bearer: 'not-the-token' };
      expect([name, (await send(wrong)).status]).toEqual([name, 401]);
      expect([name, (await send(credentialsOf(e))).status]).toEqual([name, 200]);
    }
  });

  it('without credentials (documented above) still answers over verified TLS', async () => {
    for (const [name, e] of cases().filter(([n]) => WITHOUT_AUTH.has(n))) {
      if (name.startsWith('notification-sinks/')) continue;
      const res = await httpRequestText(name === 'api/web' ? `${e.url}/health/live` : e.url, { ca });
      expect([name, res.status]).toEqual([name, 200]);
    }
  });
});

describe('other protocols', () => {
  it('OTLP/gRPC is TLS with the stack CA (h2), refused by a client trusting another CA', async () => {
    const port = stack!.ports.otlpGrpc;
    const handshake = (trust: Buffer) =>
      new Promise<string>((resolve) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, ca: trust, ALPNProtocols: ['h2'] });
        socket.on('secureConnect', () => {
          resolve(`ok ${socket.alpnProtocol}`);
          socket.destroy();
        });
        socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
    expect(await handshake(ca)).toBe('ok h2');
    expect(await handshake(otherCa)).toMatch(/CERT|SIGNATURE|UNABLE_TO_VERIFY/);
  });

  it('OTLP/gRPC refuses an export without the bearer token (UNAUTHENTICATED) and accepts it with it', async () => {
    const endpoint = stack!.components
      .find((c) => c.name === 'otel-collector')!
      .endpoints.find((e) => e.name === 'otlp-grpc')!;
    // One unary Export call with an empty request message (5-byte gRPC frame); its grpc-status.
    const exportStatus = (authorization?: string) =>
      new Promise<string>((resolve, reject) => {
        const session = http2Connect(endpoint.url, { ca });
        session.on('error', reject);
        const call = session.request({
          ':method': 'POST',
          ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          'content-type': 'application/grpc',
          te: 'trailers',
          ...(authorization ? { authorization } : {}),
        });
        let status: string | undefined;
        const take = (h: Record<string, unknown>) => (status ??= h['grpc-status'] as string | undefined);
        call.on('response', take);
        call.on('trailers', take);
        call.on('data', () => undefined);
        call.on('error', reject);
        call.on('close', () => {
          session.close();
          resolve(status ?? 'no grpc-status');
        });
        call.end(Buffer.alloc(5));
      });
    const UNAUTHENTICATED = '16';
    expect(await exportStatus()).toBe(UNAUTHENTICATED);
    expect(await exportStatus('Bearer not-the-token')).toBe(UNAUTHENTICATED);
    expect(
      await exportStatus(`Bearer ${readFileSync(join(stack!.layout.secrets, 'otelcol_token'), 'utf8')}`),
    ).toBe('0');
  });

  const redis = (commands: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = netConnect({ host: '127.0.0.1', port: stack!.ports.redis });
      let data = '';
      socket.on('error', reject);
      socket.on('connect', () => socket.write(`${commands}QUIT\r\n`));
      socket.on('data', (c) => (data += c.toString('utf8')));
      socket.on('close', () => resolve(data));
    });
  const secret = (name: string) => readFileSync(join(stack!.layout.secrets, name), 'utf8');

  it('Redis refuses a client without a password; the read-only user cannot write; the API user can', async () => {
    expect(await redis('PING\r\n')).toMatch(/^-NOAUTH/);
    expect(await redis('AUTH default nopass\r\nPING\r\n')).toMatch(/^-WRONGPASS/);
    const ro = await redis(
      `AUTH readonly ${secret('redis_readonly_password')}\r\nSET tls-test 1\r\nGET tls-test\r\n`,
    );
    expect(ro).toMatch(/^\+OK\r\n-NOPERM/);
    const api = await redis(
      `AUTH mytelevision-api ${secret('redis_api_password')}\r\nSET tls-test 1\r\nFLUSHALL\r\n`,
    );
    expect(api).toMatch(/^\+OK\r\n\+OK\r\n-NOPERM/);
  });

  const pg = async (options: { user: string; password: string; ssl: false | { ca: Buffer } }) => {
    const client = new PgClient({
      host: '127.0.0.1',
      port: stack!.ports.postgres,
      database: 'mytelevision',
      ...options,
    });
    await client.connect();
    return client;
  };

  it('PostgreSQL refuses plain TCP and a certificate from another CA; read-only roles cannot write', async () => {
    const owner = { user: 'mytelevision', password: secret('postgres_password') };
    await expect(pg({ ...owner, ssl: false })).rejects.toThrow(/no encryption|pg_hba/);
    await expect(pg({ ...owner, ssl: { ca: otherCa } })).rejects.toThrow(/certificate/);
    const readonly = await pg({
      user: 'mytelevision_readonly',
      password: secret('postgres_readonly_password'),
      ssl: { ca },
    });
    try {
      const tables = await readonly.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`,
      );
      expect(Number(tables.rows[0].n)).toBeGreaterThan(0);
      await expect(readonly.query('CREATE TABLE tls_test (id int)')).rejects.toThrow(/read-only|permission/);
    } finally {
      await readonly.end();
    }
    const exporter = await pg({
      user: 'postgres_exporter',
      password: secret('postgres_exporter_password'),
      ssl: { ca },
    });
    try {
      const roles = await exporter.query<{ rolname: string }>(
        `SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'postgres_exporter'`,
      );
      expect(roles.rows.map((r) => r.rolname)).toEqual(['pg_monitor']);
    } finally {
      await exporter.end();
    }
  });

  it('the SMTP sink offers STARTTLS and refuses mail before it', async () => {
    const transcript = await new Promise<string>((resolve, reject) => {
      const socket = netConnect({ host: '127.0.0.1', port: stack!.ports.smtp });
      let data = '';
      let sent = false;
      socket.on('error', reject);
      socket.on('data', (c) => {
        data += c.toString('utf8');
        if (!sent && /^220 /m.test(data)) {
          sent = true;
          socket.write('EHLO test\r\nMAIL FROM:<a@example.com>\r\nQUIT\r\n');
        }
      });
      socket.on('close', () => resolve(data));
    });
    expect(transcript).toMatch(/250[- ]STARTTLS/);
    expect(transcript).toMatch(/^530 /m);
  });
});

describe('Prometheus and Alertmanager over HTTPS', () => {
  it('scrapes every target but the Collector’s own telemetry over HTTPS, and every one is up', async () => {
    const { url, ...client } = stack!.prometheusClient();
    const res = await httpRequestText(`${url}/api/v1/targets?state=active`, client);
    const targets = (
      JSON.parse(res.body) as {
        data: { activeTargets: { scrapePool: string; scrapeUrl: string; health: string }[] };
      }
    ).data.activeTargets;
    expect(targets.length).toBeGreaterThanOrEqual(8);
    for (const t of targets) {
      const scheme = t.scrapePool === 'otel-collector-internal' ? 'http:' : 'https:';
      expect([t.scrapePool, new URL(t.scrapeUrl).protocol, t.health]).toEqual([t.scrapePool, scheme, 'up']);
    }
  });

  it('delivers an alert over HTTPS to the Slack sink and over SMTP STARTTLS to the mail sink', async () => {
    const alertname = 'TlsDeliveryCheck';
    const res = await fetch(`${alertmanagerUrl(stack!)}/api/v2/alerts`, {
      method: 'POST',
      headers: { ...alertmanagerHeaders(stack!), 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          labels: { alertname, severity: 'critical', job: 'tls-test' },
          annotations: { summary: 'TLS delivery check', description: 'posted by test/e2e/tls.spec.ts' },
        },
      ]),
    });
    expect(res.status).toBe(200);
    const delivered = await waitFor(
      'the alert by e-mail and Slack',
      async () => {
        const d = (await readDeliveries(stack!.layout.dataDir)).filter((x) => x.alertname === alertname);
        const channels = new Set(d.map((x) => x.channel));
        return channels.has('email') && channels.has('slack') && d;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    expect(new Set(delivered.map((d) => d.receiver))).toEqual(new Set(['critical-alerts']));
    // Alertmanager logged no notification failure (a TLS error would be one).
    expect(readFileSync(join(stack!.layout.logs, 'alertmanager.log'), 'utf8')).not.toMatch(
      /Notify.*(failed|x509)/,
    );
  }, 120_000);
});

describe('Alertmanager cluster traffic', () => {
  it('with the single node’s TLS files, two peers gossip over mutual TLS; a peer with another CA’s certificate is refused', async () => {
    const web = stack!.layout.web;
    const [webA, gossipA, webB, gossipB, webC, gossipC] = await freePorts(6);
    const work = mkdtempSync(join(tmpdir(), 'mtv-am-cluster-'));
    // A third peer whose cluster TLS file points at the other CA's certificate and key.
    const rogue = join(work, 'rogue');
    execFileSync('mkdir', ['-p', rogue]);
    for (const f of ['ca.crt', 'server.crt', 'server.key']) execFileSync('cp', [join(otherCaDir, f), rogue]);
    execFileSync('cp', [
      join(REPO_ROOT, 'monitoring', 'alertmanager', 'cluster-tls.yml'),
      join(rogue, 'cluster.yml'),
    ]);
    const config = join(work, 'am.yml');
    execFileSync('sh', ['-c', `printf 'route:\n  receiver: x\nreceivers:\n  - name: x\n' > ${config}`]);
    const peer = (name: string, webPort: number, gossip: number, join_: number, clusterTls: string) =>
      new ManagedProcess(`alertmanager-${name}`, tool('alertmanager'), [
        `--config.file=${config}`,
        `--storage.path=${join(work, name)}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
        `--web.config.file=${join(web, 'alertmanager.yml')}`,
        `--cluster.tls-config=${clusterTls}`,
        `--cluster.listen-address=127.0.0.1:${gossip}`,
        `--cluster.peer=127.0.0.1:${join_}`,
      ]);
    const peers = [
      peer('a', webA, gossipA, gossipB, join(web, 'alertmanager-cluster.yml')),
      peer('b', webB, gossipB, gossipA, join(web, 'alertmanager-cluster.yml')),
      peer('c', webC, gossipC, gossipA, join(rogue, 'cluster.yml')),
    ];
    const auth = {
      user: 'prometheus',
      password: readFileSync(join(stack!.layout.secrets, 'alertmanager_basic_auth_password'), 'utf8'),
    };
    try {
      const members = await waitFor(
        'two peers in the cluster',
        async () => {
          const res = await httpRequestText(`https://127.0.0.1:${webA}/api/v2/status`, {
            ca,
            basicAuth: auth,
          });
          const status = JSON.parse(res.body) as {
            cluster: { status: string; peers: { address: string }[] };
          };
          const addresses = status.cluster.peers.map((p) => p.address).sort();
          return status.cluster.status === 'ready' && addresses.length === 2 && addresses;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(members).toEqual([`127.0.0.1:${gossipA}`, `127.0.0.1:${gossipB}`].sort());
      // The rogue peer's handshake is refused (certificate of another CA), and a and b stay two.
      await peers[2].waitForLine(/join.*(tls|certificate|x509)/i, 30_000);
      const res = await httpRequestText(`https://127.0.0.1:${webA}/api/v2/status`, { ca, basicAuth: auth });
      const after = (JSON.parse(res.body) as { cluster: { peers: { address: string }[] } }).cluster.peers;
      expect(after.map((p) => p.address)).not.toContain(`127.0.0.1:${gossipC}`);
    } finally {
      await Promise.all(peers.map((p) => p.stop()));
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});
