import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  COLLECTOR_CONFIG,
  COLLECTOR_DIR,
  collectorBinary,
  overlayPath,
  type CollectorOverlay,
} from '../support/collector';
import { version as versionOf } from '../../scripts/lib/versions.ts';

/**
 * otel-collector/: the builder manifest, the config and its overlays, checked against the built
 * Collector itself (`otelcol validate`, `otelcol components`).
 */

const KINDS = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const;
type Kind = (typeof KINDS)[number];
const OVERLAYS: readonly CollectorOverlay[] = ['traces-file', 'traces-backend'];

interface Manifest {
  dist: { version: string; name: string };
  providers?: Array<{ gomod: string }>;
  [kind: string]: unknown;
}

const readYaml = <T>(path: string): T => parse(readFileSync(path, 'utf8')) as T;
const manifest = readYaml<Manifest>(join(COLLECTOR_DIR, 'builder-config.yaml'));
const version = versionOf(join(COLLECTOR_DIR, '..'), 'OTELCOL_VERSION');
const manifestModules = (kind: Kind | 'providers'): string[] =>
  ((manifest[kind] as Array<{ gomod: string }> | undefined) ?? []).map((m) => m.gomod).sort();

type CollectorConfig = Partial<Record<Kind, Record<string, unknown>>> & {
  service: {
    extensions?: string[];
    pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }>;
  };
};

/** Component types (the part of an id before `/`) defined under `kind` in the given config files. */
function typesUsed(files: readonly string[], kind: Kind): Set<string> {
  const types = new Set<string>();
  for (const file of files) {
    for (const id of Object.keys(readYaml<CollectorConfig>(file)[kind] ?? {})) types.add(id.split('/')[0]);
  }
  return types;
}

let binary: string;
beforeAll(() => {
  binary = collectorBinary();
});

describe('builder manifest', () => {
  it('builds ONE release, versions.env OTELCOL_VERSION (which compose pins)', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.dist.version).toBe(version);
    const modules = KINDS.flatMap((k) => manifestModules(k)).concat(manifestModules('providers'));
    const versions = modules.map((gomod) => gomod.split(' ')[1]);
    // Component modules are all at v<VERSION>; stable (v1.x) modules, such as the providers, share one version.
    expect(new Set(versions.filter((v) => v.startsWith('v0.')))).toEqual(new Set([`v${version}`]));
    expect(new Set(versions.filter((v) => v.startsWith('v1.'))).size).toBe(1);
  });

  it('the built binary holds exactly the manifest modules, and they are exactly what the configs use', () => {
    const components = parse(execFileSync(binary, ['components'], { encoding: 'utf8' })) as Record<
      string,
      Array<{ name: string; module: string }> | undefined
    >;
    const allConfigs = [COLLECTOR_CONFIG, ...OVERLAYS.map(overlayPath)];
    for (const kind of KINDS) {
      const built = components[kind] ?? [];
      expect({ kind, modules: built.map((c) => c.module).sort() }).toEqual({
        kind,
        modules: manifestModules(kind),
      });
      expect({ kind, types: new Set(built.map((c) => c.name)) }).toEqual({
        kind,
        types: typesUsed(allConfigs, kind),
      });
    }
    // Config sources: ${env:…} and --config files only.
    const providers = (components.providers ?? []) as unknown as Array<{ scheme: string; module: string }>;
    expect(providers.map((p) => p.module).sort()).toEqual(manifestModules('providers'));
    expect(providers.map((p) => p.scheme).sort()).toEqual(['env', 'file']);
  });
});

describe('config.yaml and its overlays', () => {
  const run = (...configs: string[]) =>
    spawnSync(binary, ['validate', ...configs.flatMap((c) => ['--config', c])], {
      encoding: 'utf8',
      cwd: COLLECTOR_DIR,
    });

  it.each([[[]], [['traces-file']], [['traces-backend']]] as Array<[CollectorOverlay[]]>)(
    'otelcol validate passes for config.yaml with overlays %j',
    (overlays) => {
      const result = run(COLLECTOR_CONFIG, ...overlays.map(overlayPath));
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    },
  );

  it('otelcol validate rejects a component that is not in the distribution (validate is not a no-op)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtv-otelcol-'));
    try {
      const overlay = join(dir, 'kafka.yaml');
      writeFileSync(
        overlay,
        'exporters:\n  kafka: {}\nservice:\n  pipelines:\n    traces:\n      exporters: [kafka]\n',
      );
      const result = run(COLLECTOR_CONFIG, overlay);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/kafka/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('defines no component that no pipeline uses, in each file combination', () => {
    for (const overlays of [[], ...OVERLAYS.map((o) => [o])]) {
      const files = [COLLECTOR_CONFIG, ...overlays.map(overlayPath)];
      const merged = files.map((f) => readYaml<CollectorConfig>(f));
      // confmap merges maps key by key but replaces lists whole: an overlay's pipeline lists win.
      const pipelines = { ...merged[0].service.pipelines };
      for (const overlay of merged.slice(1)) {
        for (const [name, lists] of Object.entries(overlay.service?.pipelines ?? {})) {
          pipelines[name] = { ...pipelines[name], ...lists };
        }
      }
      const used = new Set(
        Object.values(pipelines).flatMap((p) => [...p.receivers, ...(p.processors ?? []), ...p.exporters]),
      );
      for (const id of merged[0].service.extensions ?? []) used.add(id);
      const defined = merged.flatMap((c) => KINDS.flatMap((k) => Object.keys(c[k] ?? {})));
      expect({ overlays, unused: defined.filter((id) => !used.has(id)) }).toEqual({ overlays, unused: [] });
    }
  });

  it('binds every listening address through the environment (one file for compose and the native stack)', () => {
    const text = readFileSync(COLLECTOR_CONFIG, 'utf8');
    const endpoints = [...text.matchAll(/^\s*(?:endpoint|host):\s*(.+)$/gm)].map((m) => m[1].trim());
    expect(endpoints.length).toBeGreaterThanOrEqual(5);
    for (const endpoint of endpoints) expect(endpoint).toMatch(/^\$\{env:OTELCOL_BIND_HOST:-0\.0\.0\.0\}/);
    const ports = [...text.matchAll(/\$\{env:(OTELCOL_[A-Z_]+_PORT):-(\d+)\}/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(Object.fromEntries(ports)).toEqual({
      OTELCOL_HEALTH_PORT: 13133,
      OTELCOL_OTLP_GRPC_PORT: 4317,
      OTELCOL_OTLP_HTTP_PORT: 4318,
      OTELCOL_PROMETHEUS_PORT: 8889,
      OTELCOL_METRICS_PORT: 8888,
    });
  });
});
