import { expect } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { collectorBinary } from '../support/collector';
import { tool } from '../support/tools';
import { readVersions } from '../../scripts/lib/versions.ts';

/**
 * versions.env is the one place every version is pinned. Compose cannot read it by itself, so the
 * compose files keep literal image tags (a plain `docker compose up` needs no --env-file) and this
 * test fails when any of them, or any other copy of a version, drifts from versions.env: compose
 * images (the three files), the Dockerfile's NODE_IMAGE, .nvmrc, package.json engines, the Collector's
 * builder manifest, and the binaries actually built for the native stack and the tests.
 */

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const v = readVersions(ROOT);

/** Every image repository the compose files may use, with the tag versions.env makes it. */
const IMAGE_TAGS: Readonly<Record<string, string>> = {
  'prom/prometheus': `v${v.PROMETHEUS_VERSION}`,
  'prom/alertmanager': `v${v.ALERTMANAGER_VERSION}`,
  'prom/node-exporter': `v${v.NODE_EXPORTER_VERSION}`,
  'quay.io/prometheuscommunity/postgres-exporter': `v${v.POSTGRES_EXPORTER_VERSION}`,
  'oliver006/redis_exporter': `v${v.REDIS_EXPORTER_VERSION}-alpine`,
  'prom/blackbox-exporter': `v${v.BLACKBOX_EXPORTER_VERSION}`,
  'ghcr.io/google/cadvisor': `v${v.CADVISOR_VERSION}`,
  'otel/opentelemetry-collector-contrib': v.OTELCOL_VERSION,
  'grafana/grafana': v.GRAFANA_VERSION,
  postgres: `${v.POSTGRES_VERSION}-alpine`,
  redis: `${v.REDIS_VERSION}-alpine`,
  node: `${v.NODE_VERSION}-alpine`,
  httpd: `${v.HTTPD_VERSION}-alpine`,
  busybox: v.BUSYBOX_VERSION,
  'quay.io/thanos/thanos': `v${v.THANOS_VERSION}`,
};

interface ComposeFile {
  services: Record<string, { image?: string; build?: unknown; extends?: unknown }>;
}

/** compose's merge tags (the HA overlay uses them), read as plain sequences. */
const COMPOSE_TAGS = ['!reset', '!override'].map((tag) => ({
  tag,
  collection: 'seq' as const,
  default: false,
}));

/** [file, service, image] of every service that pulls an image (built services are ours; `extends` reuses one). */
const pulledImages = ['docker-compose.yml', 'docker-compose.monitoring.yml', 'docker-compose.ha.yml'].flatMap(
  (file) =>
    Object.entries((parse(read(file), { merge: true, customTags: COMPOSE_TAGS }) as ComposeFile).services)
      // In the HA overlay a service without an image amends one of the other files' services.
      .filter(
        ([, s]) => !s.build && !s.extends && !(file === 'docker-compose.ha.yml' && s.image === undefined),
      )
      .map(([name, s]) => [file, name, s.image ?? ''] as const),
);

describe('versions.env', () => {
  it('pins every version it names as an exact release', () => {
    expect(Object.keys(v).length).toBeGreaterThan(10);
    for (const [key, value] of Object.entries(v)) {
      expect({ key, value }).toEqual({ key, value: expect.stringMatching(/^\d+\.\d+(\.\d+)?$/) });
    }
  });

  it('every compose image (the three files) is at its versions.env tag', () => {
    expect(pulledImages.length).toBeGreaterThan(10);
    const drift = pulledImages
      .map(([file, service, image]) => {
        const at = image.lastIndexOf(':');
        const repository = image.slice(0, at);
        const want = IMAGE_TAGS[repository];
        return {
          file,
          service,
          image,
          want: want === undefined ? 'a versions.env key' : `${repository}:${want}`,
        };
      })
      .filter(({ image, want }) => image !== want);
    expect(drift).toEqual([]);
  });

  it('Node: the Dockerfile NODE_IMAGE, .nvmrc and package.json engines', () => {
    expect(read('Dockerfile')).toMatch(
      new RegExp(`^ARG NODE_IMAGE=node:${v.NODE_VERSION}-bookworm-slim$`, 'm'),
    );
    expect(read('.nvmrc').trim()).toBe(v.NODE_VERSION);
    const major = Number(v.NODE_VERSION.split('.')[0]);
    const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${v.NODE_VERSION} <${major + 1}`);
    // The Node running this test is the one scripts/lib/runtime.sh put first on PATH.
    expect(Number(process.versions.node.split('.')[0])).toBe(major);
  });

  it("the Collector's builder manifest: dist.version and every component module", () => {
    const manifest = parse(read('otel-collector/builder-config.yaml')) as Record<string, unknown> & {
      dist: { version: string };
    };
    expect(manifest.dist.version).toBe(v.OTELCOL_VERSION);
    const components = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'].flatMap((kind) =>
      ((manifest[kind] as Array<{ gomod: string }> | undefined) ?? []).map((m) => m.gomod),
    );
    expect(components.length).toBeGreaterThan(5);
    expect(components.filter((gomod) => !gomod.endsWith(` v${v.OTELCOL_VERSION}`))).toEqual([]);
  });

  it('the grafana-dashboard-check program requires grafana-foundation-sdk at versions.env', () => {
    expect(read('scripts/grafana-dashboard-check/go.mod')).toMatch(
      new RegExp(
        `^require github\\.com/grafana/grafana-foundation-sdk/go v${v.GRAFANA_FOUNDATION_SDK_VERSION}$`,
        'm',
      ),
    );
  });
});

describe('the binaries built for the native stack and the tests report versions.env', () => {
  // Some print it on stderr (kingpin's default), so both streams are read.
  const versionLine = (binary: string) => {
    const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    return `${run.stdout}${run.stderr}`;
  };

  it.each([
    ['prometheus', 'PROMETHEUS_VERSION'],
    ['promtool', 'PROMETHEUS_VERSION'],
    ['alertmanager', 'ALERTMANAGER_VERSION'],
    ['amtool', 'ALERTMANAGER_VERSION'],
    ['node_exporter', 'NODE_EXPORTER_VERSION'],
    ['postgres_exporter', 'POSTGRES_EXPORTER_VERSION'],
  ] as const)('%s --version is %s', (name, key) => {
    expect(versionLine(tool(name))).toContain(`version ${v[key]} `);
  });

  it('otelcol-mytelevision --version is OTELCOL_VERSION', () => {
    expect(versionLine(collectorBinary()).trim()).toBe(`otelcol-mytelevision version ${v.OTELCOL_VERSION}`);
  });

  it('prom2json is built from its module at PROM2JSON_VERSION (its build info)', () => {
    const goBinary = ['/usr/local/go/bin/go', '/usr/bin/go'].find(existsSync) ?? 'go';
    const info = execFileSync(goBinary, ['version', '-m', tool('prom2json')], { encoding: 'utf8' });
    expect(info).toMatch(new RegExp(`\\sgithub\\.com/prometheus/prom2json\\s+v${v.PROM2JSON_VERSION}\\s`));
  });
});
