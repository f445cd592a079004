import type { Endpoint } from './components.ts';
import { mib, treeRssBytes } from './memory.ts';
import type { Stack } from './stack.ts';

/**
 * `npm run stack -- status --json`: ONE JSON document describing the running stack, for scripts and
 * users (scripts/stack/README.md "status --json"). Stable keys; components are a list (a profile
 * may run several instances of a kind), each with its endpoints and the FILES holding what a client
 * needs (CA, password, token) — never a secret inline.
 */
export const STATUS_SCHEMA_VERSION = 1;

export interface StatusComponent {
  readonly name: string;
  readonly pid: number | null;
  readonly state: 'running' | 'starting' | 'crashed' | 'stopped';
  /** Resident memory of its process tree, bytes (0 when not running). */
  readonly rssBytes: number;
  readonly log: string;
  readonly endpoints: readonly Endpoint[];
}

export interface StatusDocument {
  readonly schemaVersion: number;
  readonly dataDir: string;
  /** PEM of the private CA every TLS endpoint's certificate is signed by. */
  readonly caFile: string;
  readonly secretsDir: string;
  readonly components: readonly StatusComponent[];
  readonly totalRssBytes: number;
  readonly totalRss: string;
}

export async function statusDocument(stack: Stack): Promise<StatusDocument> {
  const rows = await stack.status();
  const components = rows.map((r) => ({
    name: r.name,
    pid: r.pid ?? null,
    state: r.state,
    rssBytes: r.pid && r.state !== 'crashed' && r.state !== 'stopped' ? treeRssBytes(r.pid) : 0,
    log: r.log,
    endpoints: r.endpoints,
  }));
  const totalRssBytes = components.reduce((sum, c) => sum + c.rssBytes, 0);
  return {
    schemaVersion: STATUS_SCHEMA_VERSION,
    dataDir: stack.layout.dataDir,
    caFile: stack.tls.caFile,
    secretsDir: stack.layout.secrets,
    components,
    totalRssBytes,
    totalRss: mib(totalRssBytes),
  };
}
