import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * versions.env (every version the project runs) and where scripts/lib/go-tools.sh caches the Go
 * programs it builds at those versions. The stack and the tests call the binaries by these absolute
 * paths, so a Debian `prometheus` or `amtool` elsewhere on PATH is never picked up by mistake.
 */
export function readVersions(root: string): Readonly<Record<string, string>> {
  return parseEnv(readFileSync(join(root, 'versions.env'), 'utf8')) as Record<string, string>;
}

export function version(root: string, key: string): string {
  const value = readVersions(root)[key];
  if (!value) throw new Error(`versions.env has no ${key}`);
  return value;
}

export function cacheDir(): string {
  return (
    process.env.MTV_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mytelevision')
  );
}

/** The Go programs go-tools.sh builds, by binary name, with the versions.env key of their release. */
const GO_TOOLS = {
  prometheus: ['prometheus', 'PROMETHEUS_VERSION'],
  promtool: ['prometheus', 'PROMETHEUS_VERSION'],
  alertmanager: ['alertmanager', 'ALERTMANAGER_VERSION'],
  amtool: ['alertmanager', 'ALERTMANAGER_VERSION'],
  prom2json: ['prom2json', 'PROM2JSON_VERSION'],
  node_exporter: ['node_exporter', 'NODE_EXPORTER_VERSION'],
  postgres_exporter: ['postgres_exporter', 'POSTGRES_EXPORTER_VERSION'],
  thanos: ['thanos', 'THANOS_VERSION'],
} as const;
export type GoTool = keyof typeof GO_TOOLS;

/** Absolute path of a built tool; throws with the command that builds it when it is missing. */
export function goToolPath(root: string, tool: GoTool): string {
  const [build, key] = GO_TOOLS[tool];
  const release = version(root, key);
  const path = join(cacheDir(), `${build}-${release}`, 'bin', tool);
  if (!existsSync(path)) {
    throw new Error(
      `${tool} ${release} is not built (${path}): run the test command (npm run test:all), ` +
        '`npm run stack -- up`, or `source scripts/lib/go-tools.sh && mtv_ensure_prometheus_tools` ' +
        '(mtv_ensure_exporters for the exporters, mtv_ensure_thanos for thanos)',
    );
  }
  return path;
}

/**
 * The working directory Prometheus must run in to serve its web UI: a directory named `ui` holding
 * static/mantine-ui, built by go-tools.sh mtv_ensure_prometheus_ui (Prometheus's web/ui/ui.go
 * serves ./static from there when the binary has no built-in assets).
 */
export function prometheusUiDir(root: string): string {
  const release = version(root, 'PROMETHEUS_VERSION');
  const dir = join(cacheDir(), `prometheus-${release}`, 'ui');
  if (!existsSync(join(dir, 'static', 'mantine-ui', 'index.html'))) {
    throw new Error(
      `the Prometheus ${release} web UI is not built (${dir}): run \`npm run stack -- up\`, the test ` +
        'command, or `source scripts/lib/go-tools.sh && mtv_ensure_prometheus_ui` (Node on PATH)',
    );
  }
  return dir;
}
