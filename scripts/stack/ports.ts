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
