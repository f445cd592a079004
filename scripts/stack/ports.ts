/**
 * Ports of the native stack: the defaults of docs/architecture.md#ports, each overridable by
 * MTV_PORT_<NAME> (e.g. MTV_PORT_PROMETHEUS=19090) and all shifted by `--port-offset N`. Everything
 * listens on 127.0.0.1.
 */
export const DEFAULT_PORTS = {
  api: 3000,
  prometheus: 9090,
  alertmanager: 9093,
  otlpGrpc: 4317,
  otlpHttp: 4318,
  collectorPrometheus: 8889,
  collectorMetrics: 8888,
  collectorHealth: 13133,
  nodeExporter: 9100,
  postgresExporter: 9187,
  redisExporter: 9121,
  blackboxExporter: 9115,
  cadvisor: 8080,
  postgres: 5432,
  redis: 6379,
  // Native stack only (they stand in for the outside world): the local mail catcher and Slack receiver.
  smtp: 2525,
  webhook: 9097,
} as const;

export type PortName = keyof typeof DEFAULT_PORTS;
export type StackPorts = Record<PortName, number>;

/** MTV_PORT_<UPPER_SNAKE> of a port name: otlpGrpc → MTV_PORT_OTLP_GRPC. */
export function portEnvName(name: PortName): string {
  return `MTV_PORT_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export function resolvePorts(env: NodeJS.ProcessEnv, offset = 0): StackPorts {
  const ports = {} as StackPorts;
  for (const name of Object.keys(DEFAULT_PORTS) as PortName[]) {
    const raw = env[portEnvName(name)];
    const port = raw ? Number(raw) : DEFAULT_PORTS[name] + offset;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(
        `${portEnvName(name)}=${raw}: not a TCP port (or --port-offset ${offset} moves ${name} out of range)`,
      );
    }
    ports[name] = port;
  }
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(ports)) {
    if (seen.has(port)) throw new Error(`port ${port} is given to both ${seen.get(port)} and ${name}`);
    seen.set(port, name);
  }
  return ports;
}

/**
 * The HA profile's extra ports (`up --ha`): the second API and Prometheus, two more Alertmanager
 * nodes, the gossip port of each Alertmanager, and Thanos. Thanos's own defaults (10901/10902,
 * 19291) are kept where they do not collide. Overridable and shifted like the others.
 */
export const HA_DEFAULT_PORTS = {
  apiB: 3001,
  prometheusB: 9091,
  alertmanagerB: 9094,
  alertmanagerC: 9095,
  alertmanagerGossip: 9194,
  alertmanagerGossipB: 9195,
  alertmanagerGossipC: 9196,
  thanosReceiveGrpc: 10901,
  thanosReceiveHttp: 10902,
  thanosRemoteWrite: 19291,
  thanosStoreGrpc: 10911,
  thanosStoreHttp: 10912,
  thanosQueryGrpc: 10903,
  thanosQueryHttp: 10904,
  thanosCompactHttp: 10922,
} as const;

export type HaPortName = keyof typeof HA_DEFAULT_PORTS;
export type HaPorts = Record<HaPortName, number>;

export function resolveHaPorts(env: NodeJS.ProcessEnv, base: StackPorts, offset = 0): HaPorts {
  const ports = {} as HaPorts;
  for (const name of Object.keys(HA_DEFAULT_PORTS) as HaPortName[]) {
    const envName = `MTV_PORT_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    const raw = env[envName];
    const port = raw ? Number(raw) : HA_DEFAULT_PORTS[name] + offset;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(
        `${envName}=${raw}: not a TCP port (or --port-offset ${offset} moves ${name} out of range)`,
      );
    ports[name] = port;
  }
  const seen = new Map<number, string>(Object.entries(base).map(([n, p]) => [p, n]));
  for (const [name, port] of Object.entries(ports)) {
    if (seen.has(port)) throw new Error(`port ${port} is given to both ${seen.get(port)} and ${name}`);
    seen.set(port, name);
  }
  return ports;
}
