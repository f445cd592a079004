import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { StackLayout } from './layout.ts';

/**
 * The stack's private CA and server certificate, made on the first `up` by scripts/tls/make-certs.sh
 * (openssl; the compose `tls-certs` one-shot runs the same script) into `<data>/tls/`, never committed.
 * Every server of the stack presents server.crt; every client trusts ca.crt only.
 */
export interface StackTls {
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export function stackTls(layout: StackLayout): StackTls {
  return {
    dir: layout.tls,
    caFile: join(layout.tls, 'ca.crt'),
    certFile: join(layout.tls, 'server.crt'),
    keyFile: join(layout.tls, 'server.key'),
  };
}

/** Issues the CA and the server certificate unless valid ones exist (idempotent). */
export function ensureTls(root: string, layout: StackLayout): StackTls {
  execFileSync('sh', [join(root, 'scripts', 'tls', 'make-certs.sh'), layout.tls], { stdio: 'pipe' });
  return stackTls(layout);
}
