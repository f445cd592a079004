import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { StackLayout, StackSecrets } from './layout.ts';

/**
 * The configs that hold a credential are committed as TEMPLATES (no password, no hash) and rendered
 * at start, natively here and in docker compose by the `web-config` one-shot, from the same files:
 *
 *   monitoring/prometheus/web-config.yml     → web/prometheus.yml   (bcrypt of prometheus_basic_auth_password)
 *   monitoring/alertmanager/web-config.yml   → web/alertmanager.yml (bcrypt of alertmanager_basic_auth_password)
 *   monitoring/exporters/web-config.yml      → web/exporters.yml    (bcrypt of exporters_basic_auth_password)
 *   monitoring/alertmanager/cluster-tls.yml  → web/alertmanager-cluster.yml (copied: no credential)
 *   monitoring/redis/users.acl               → web/redis-users.acl  (SHA-256 of the Redis users' passwords)
 *
 * The web configs name server.crt/server.key (and ca.crt) relatively: the rendered dir holds links to
 * the stack's tls/ files, as compose's web-config volume holds copies.
 */

/** Template → rendered name, and the secret whose bcrypt hash replaces __BCRYPT_HASH__. */
export const WEB_CONFIGS = [
  {
    template: 'monitoring/prometheus/web-config.yml',
    rendered: 'prometheus.yml',
    secret: 'prometheus_basic_auth_password',
  },
  {
    template: 'monitoring/alertmanager/web-config.yml',
    rendered: 'alertmanager.yml',
    secret: 'alertmanager_basic_auth_password',
  },
  {
    template: 'monitoring/exporters/web-config.yml',
    rendered: 'exporters.yml',
    secret: 'exporters_basic_auth_password',
  },
] as const;

export const BCRYPT_COST = 10;

/** The template with its __BCRYPT_HASH__ replaced; `previous` (the last rendering) is kept when its hash still matches. */
export function renderBasicAuth(template: string, password: string, previous?: string): string {
  if (!template.includes('__BCRYPT_HASH__')) throw new Error('web config template has no __BCRYPT_HASH__');
  const old = previous?.match(/^\s+\S+: (\$2[aby]\$\d\d\$\S{53})\s*$/m)?.[1];
  // Same password: same file (bcrypt salts differ each time; no needless rewrite).
  const hash = old && bcrypt.compareSync(password, old) ? old : bcrypt.hashSync(password, BCRYPT_COST);
  return template.replace(/__BCRYPT_HASH__/g, hash);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** users.acl with every __SHA256_<SECRET>__ replaced by the SHA-256 of the secret file <secret>. */
export function renderRedisAcl(template: string, readSecret: (name: string) => string): string {
  return template.replace(/__SHA256_([A-Z0-9_]+)__/g, (_, name: string) =>
    sha256(readSecret(name.toLowerCase())),
  );
}

function link(target: string, path: string): void {
  try {
    if (lstatSync(path)) rmSync(path, { force: true });
  } catch {
    /* absent */
  }
  symlinkSync(target, path);
}

function writeIfChanged(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
  writeFileSync(path, content, { mode: 0o600 });
}

/** Renders every template into layout.web (idempotent). */
export function renderWebConfigs(root: string, layout: StackLayout, secrets: StackSecrets): void {
  mkdirSync(layout.web, { recursive: true, mode: 0o700 });
  for (const name of ['ca.crt', 'server.crt', 'server.key'])
    link(join(layout.tls, name), join(layout.web, name));
  for (const c of WEB_CONFIGS) {
    const out = join(layout.web, c.rendered);
    const previous = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
    writeIfChanged(
      out,
      renderBasicAuth(readFileSync(join(root, c.template), 'utf8'), secrets.read(c.secret), previous),
    );
  }
  copyFileSync(
    join(root, 'monitoring', 'alertmanager', 'cluster-tls.yml'),
    join(layout.web, 'alertmanager-cluster.yml'),
  );
  const acl = renderRedisAcl(readFileSync(join(root, 'monitoring', 'redis', 'users.acl'), 'utf8'), (name) =>
    readFileSync(join(layout.secrets, name), 'utf8'),
  );
  writeIfChanged(join(layout.web, 'redis-users.acl'), acl);
}
