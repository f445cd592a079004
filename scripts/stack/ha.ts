import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import {
  alertmanagerComponent,
  BASIC_AUTH_USER,
  apiComponent,
  prometheusComponent,
  type Component,
  type ComponentContext,
  type HaOptions,
} from './components.ts';
import { REPLICA_LABEL } from './prometheus-ha-config.ts';
import { httpOk } from './probes.ts';
import { goToolPath } from '../lib/versions.ts';

/**
 * The HA profile of the native stack (`npm run stack -- up --ha`), on top of the single stack:
 *   - api-b: a second API instance on the same PostgreSQL, Redis and Collector;
 *   - prometheus + prometheus-b: two replicas (external label replica=a/b) scraping the same
 *     targets, evaluating the same rules, sending to every Alertmanager node and remote-writing to
 *     Thanos Receive;
 *   - alertmanager + alertmanager-b + alertmanager-c: one gossip cluster (loopback ports);
 *   - thanos-receive (recent data, uploads 2h blocks to the bucket), thanos-store (the bucket),
 *     thanos-query (PromQL over both, deduplicating on `replica`), thanos-compact (the bucket's
 *     compaction and downsampling), on a filesystem bucket under <data>/thanos/bucket.
 * Thanos is TLS like the rest of the stack, with the stack's certificate and CA: every HTTP endpoint
 * serves HTTPS with Prometheus's basic auth (user prometheus, the same rendered web config through
 * --http.config); Receive's remote-write server and every gRPC server (Receive, Store, Query) are
 * mutual TLS: they require a client certificate signed by the stack's CA (Thanos applies no basic
 * auth there), and the replicas and Query present the stack's certificate (its extended key usage
 * includes client auth, as for the Alertmanager cluster) while verifying the server's.
 * The replicas are the single stack's own factories (components.ts) with other ports and dirs, so
 * what changes there (flags, TLS) changes here too. Names of the single stack's components are
 * kept for replica a (`prometheus`, `alertmanager`, `api`).
 */

export const HA_COMPONENTS = {
  /** Start with the data stores: only need the bucket directory. */
  storage: ['thanos-receive', 'thanos-store', 'thanos-compact'],
  /** Start with the single stack's Alertmanager and API. */
  services: ['alertmanager-b', 'alertmanager-c', 'api-b'],
  /** Start with the single stack's Prometheus. */
  query: ['prometheus-b', 'thanos-query'],
} as const;

const local = (port: number, path = '') => `https://127.0.0.1:${port}${path}`;

export interface ThanosLayout {
  readonly dir: string;
  readonly bucket: string;
  readonly objstoreConfig: string;
}

export function thanosLayout(dataDir: string): ThanosLayout {
  const dir = join(dataDir, 'thanos');
  return { dir, bucket: join(dir, 'bucket'), objstoreConfig: join(dir, 'objstore.yml') };
}

/** The filesystem bucket natively (compose: the user's S3-compatible bucket, see docker-compose.ha.yml). */
function writeObjstoreConfig(layout: ThanosLayout): void {
  mkdirSync(layout.bucket, { recursive: true });
  writeFileSync(
    layout.objstoreConfig,
    `# written by scripts/stack/ha.ts: the native stack's filesystem bucket\ntype: FILESYSTEM\nconfig:\n  directory: ${layout.bucket}\n`,
  );
}

/** Components the HA profile adds or replaces (by name) in the single stack's list. */
export function haComponents(context: ComponentContext, ha: HaOptions): Component[] {
  const { options, layout, tls, secrets } = context;
  const { ports } = options;
  const hp = ha.ports;
  const thanos = thanosLayout(layout.dataDir);
  const thanosBin = () => goToolPath(options.root, 'thanos');
  const remoteWriteUrl = local(hp.thanosRemoteWrite, '/api/v1/receive');
  // Every Prometheus scrapes every replica of a component, so both see the same targets.
  const targets = {
    'mytelevision-api': [ports.api, hp.apiB],
    alertmanager: [ports.alertmanager, hp.alertmanagerB, hp.alertmanagerC],
    prometheus: [ports.prometheus, hp.prometheusB],
  };
  const gossip = [hp.alertmanagerGossip, hp.alertmanagerGossipB, hp.alertmanagerGossipC];
  const alertmanagerNode = (name: string, port: number, index: number) =>
    alertmanagerComponent(context, {
      name,
      port,
      dir: join(layout.dataDir, name),
      cluster: { port: gossip[index], peers: gossip.filter((_, i) => i !== index) },
    });
  const prometheusReplica = (name: string, port: number, replica: string) =>
    prometheusComponent(context, {
      name,
      port,
      dir: join(layout.dataDir, name),
      targets,
      // Relative to the replica's run dir, where tls/ links to the stack's certificates.
      replica: { replica, remoteWriteUrl, clientCertFile: 'tls/server.crt', clientKeyFile: 'tls/server.key' },
    });
  const webCredentials = {
    type: 'basic',
    username: BASIC_AUTH_USER,
    passwordFile: secrets.file('prometheus_basic_auth_password'),
  } as const;
  const thanosComponent = (
    name: string,
    httpPort: number,
    args: (dir: string) => string[],
    extraEndpoints: Component['endpoints'] = [],
  ): Component => {
    const dir = join(thanos.dir, name.replace(/^thanos-/, ''));
    return {
      name,
      url: local(httpPort),
      endpoints: [
        { name: 'web', url: local(httpPort), tls: true, credentials: webCredentials },
        ...extraEndpoints,
      ],
      prepare: () => {
        mkdirSync(dir, { recursive: true });
        writeObjstoreConfig(thanos);
      },
      command: () => ({
        command: thanosBin(),
        // Prometheus's rendered web config: HTTPS with the stack's certificate and basic auth.
        args: [...args(dir), `--http.config=${join(layout.web, 'prometheus.yml')}`],
        cwd: thanos.dir,
      }),
      ready: () =>
        httpOk(local(httpPort, '/-/ready'), {
          ca: readFileSync(tls.caFile),
          basicAuth: { user: BASIC_AUTH_USER, password: secrets.read('prometheus_basic_auth_password') },
        }),
      // Receive flushes its head block and uploads it on a clean stop.
      stopGraceMs: 60_000,
    };
  };
  // What a client presents to the mutual-TLS endpoints (files only).
  const clientCertificate = {
    type: 'client-certificate',
    certFile: tls.certFile,
    keyFile: tls.keyFile,
  } as const;
  const grpcEndpoint = (port: number) => ({
    name: 'grpc',
    url: `127.0.0.1:${port}`,
    tls: true,
    credentials: clientCertificate,
  });
  const objstore = `--objstore.config-file=${thanos.objstoreConfig}`;
  // gRPC servers (Receive, Store, Query's own) over TLS with the stack's certificate, refusing a
  // client without a certificate signed by the stack's CA.
  const grpcServerTls = [
    `--grpc-server-tls-cert=${tls.certFile}`,
    `--grpc-server-tls-key=${tls.keyFile}`,
    `--grpc-server-tls-client-ca=${tls.caFile}`,
  ];
  const blockDuration = ha.receiveBlockDuration ?? '2h';

  return [
    apiComponent(context, { name: 'api-b', port: hp.apiB }),
    // Replica a keeps the single stack's names and dirs: `up --ha` over an existing stack keeps its data.
    alertmanagerNode('alertmanager', ports.alertmanager, 0),
    alertmanagerNode('alertmanager-b', hp.alertmanagerB, 1),
    alertmanagerNode('alertmanager-c', hp.alertmanagerC, 2),
    prometheusReplica('prometheus', ports.prometheus, 'a'),
    prometheusReplica('prometheus-b', hp.prometheusB, 'b'),
    thanosComponent(
      'thanos-receive',
      hp.thanosReceiveHttp,
      (dir) => [
        'receive',
        `--tsdb.path=${join(dir, 'tsdb')}`,
        `--grpc-address=127.0.0.1:${hp.thanosReceiveGrpc}`,
        `--http-address=127.0.0.1:${hp.thanosReceiveHttp}`,
        `--remote-write.address=127.0.0.1:${hp.thanosRemoteWrite}`,
        // Replication between Receives (unused with one Receive): loopback and a port of its own.
        `--receive.capnproto-address=127.0.0.1:${hp.thanosReceiveCapnproto}`,
        ...grpcServerTls,
        // Remote write over mutual TLS (Receive applies --http.config to its HTTP port only, not here).
        `--remote-write.server-tls-cert=${tls.certFile}`,
        `--remote-write.server-tls-key=${tls.keyFile}`,
        `--remote-write.server-tls-client-ca=${tls.caFile}`,
        objstore,
        // Receive's own label on what it stores and uploads (it is not a replica: never deduplicated).
        '--label=receive="native"',
        // Local blocks bounded by size, not age: they are in the bucket once cut. An age retention
        // also starts Receive's tenant pruning, which in 0.42.4 can run before the tenant's TSDB is
        // open and crash Receive at start (nil Head in shouldBeMarkedInactive; seen here with 1m blocks).
        '--tsdb.retention=0d',
        '--tsdb.max-retention-bytes=2GB',
        // Hidden flags: one block length (Receive cuts and uploads blocks of exactly this length).
        `--tsdb.min-block-duration=${blockDuration}`,
        `--tsdb.max-block-duration=${blockDuration}`,
      ],
      [
        grpcEndpoint(hp.thanosReceiveGrpc),
        {
          name: 'remote-write',
          url: remoteWriteUrl,
          tls: true,
          credentials: clientCertificate,
        },
      ],
    ),
    thanosComponent(
      'thanos-store',
      hp.thanosStoreHttp,
      (dir) => [
        'store',
        `--data-dir=${dir}`,
        `--grpc-address=127.0.0.1:${hp.thanosStoreGrpc}`,
        `--http-address=127.0.0.1:${hp.thanosStoreHttp}`,
        ...grpcServerTls,
        objstore,
        `--sync-block-duration=${ha.storeSyncInterval ?? '1m'}`,
      ],
      [grpcEndpoint(hp.thanosStoreGrpc)],
    ),
    thanosComponent('thanos-compact', hp.thanosCompactHttp, (dir) => [
      'compact',
      '--wait',
      `--data-dir=${dir}`,
      `--http-address=127.0.0.1:${hp.thanosCompactHttp}`,
      objstore,
      '--wait-interval=5m',
    ]),
    thanosComponent(
      'thanos-query',
      hp.thanosQueryHttp,
      () => [
        'query',
        `--grpc-address=127.0.0.1:${hp.thanosQueryGrpc}`,
        `--http-address=127.0.0.1:${hp.thanosQueryHttp}`,
        ...grpcServerTls,
        // Receive and Store are reached over mutual TLS: their certificate verified against the CA,
        // the stack's certificate presented as the client one.
        '--grpc-client-tls-secure',
        `--grpc-client-tls-ca=${tls.caFile}`,
        `--grpc-client-tls-cert=${tls.certFile}`,
        `--grpc-client-tls-key=${tls.keyFile}`,
        `--endpoint=127.0.0.1:${hp.thanosReceiveGrpc}`,
        `--endpoint=127.0.0.1:${hp.thanosStoreGrpc}`,
        `--query.replica-label=${REPLICA_LABEL}`,
      ],
      [grpcEndpoint(hp.thanosQueryGrpc)],
    ),
  ];
}

/** The single stack's list with the HA profile's components replacing (same name) or added. */
export function withHa(base: readonly Component[], ha: readonly Component[]): Component[] {
  const byName = new Map(ha.map((c) => [c.name, c]));
  const merged = base.map((c) => byName.get(c.name) ?? c);
  const known = new Set(base.map((c) => c.name));
  return [...merged, ...ha.filter((c) => !known.has(c.name))];
}
