import { expect } from '@jest/globals';
import bcrypt from 'bcryptjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderBasicAuth, renderRedisAcl, WEB_CONFIGS } from '../../scripts/stack/web-config.ts';
import { runTool, tool } from '../support/tools';

/**
 * The web configs (TLS + basic auth) and Redis's ACL file: the native stack renders the very
 * templates compose's one-shots render, with the same placeholders, and the result is what the
 * binaries accept (promtool check web-config; the e2e tls test runs them).
 */

const ROOT = join(__dirname, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
interface Service {
  command?: string[] | string;
  volumes?: string[];
  secrets?: string[];
}
const base = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const monitoring = parse(read('docker-compose.monitoring.yml')) as { services: Record<string, Service> };
const script = (s: Service) => (Array.isArray(s.command) ? s.command.join('\n') : (s.command ?? ''));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mtv-web-config-'));
  execFileSync('sh', [join(ROOT, 'scripts', 'tls', 'make-certs.sh'), dir], { stdio: 'pipe' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('basic-auth web configs', () => {
  it.each(WEB_CONFIGS.map((c) => [c.rendered, c] as const))(
    '%s: compose renders the same template with the same secret',
    (_name, c) => {
      const oneShot = monitoring.services['web-config'];
      const name = c.rendered.replace(/\.yml$/, '');
      expect(oneShot.volumes).toContain(`./${c.template}:/templates/${c.rendered}:ro`);
      expect(script(oneShot)).toContain(`render ${name} ${c.secret}`);
      expect(oneShot.secrets).toContain(c.secret);
    },
  );

  it.each(WEB_CONFIGS.map((c) => [c.template, c] as const))(
    '%s holds no credential; rendered, it is HTTPS + a bcrypt hash of the secret that promtool accepts',
    (template, c) => {
      const text = read(template);
      expect(text).toMatch(/^\s+\S+: __BCRYPT_HASH__$/m);
      expect(text).not.toMatch(/\$2[aby]\$/);
      const rendered = renderBasicAuth(text, 'the-password');
      const parsed = parse(rendered) as {
        tls_server_config: { cert_file: string; key_file: string };
        basic_auth_users: Record<string, string>;
      };
      expect(parsed.tls_server_config).toMatchObject({ cert_file: 'server.crt', key_file: 'server.key' });
      const [hash] = Object.values(parsed.basic_auth_users);
      expect(bcrypt.compareSync('the-password', hash)).toBe(true);
      expect(bcrypt.compareSync('another', hash)).toBe(false);
      // Same password: the same file (no rewrite); another password: another hash.
      expect(renderBasicAuth(text, 'the-password', rendered)).toBe(rendered);
      expect(renderBasicAuth(text, 'another', rendered)).not.toBe(rendered);
      const file = join(dir, c.rendered);
      writeFileSync(file, rendered);
      const run = runTool(tool('promtool'), ['check', 'web-config', file]);
      expect({ status: run.status, output: run.output }).toEqual({
        status: 0,
        output: expect.stringContaining('SUCCESS'),
      });
    },
  );

  it('Alertmanager’s cluster TLS file is mutual TLS with the stack CA, copied by compose too', () => {
    const cluster = parse(read('monitoring/alertmanager/cluster-tls.yml')) as Record<
      string,
      Record<string, string>
    >;
    expect(cluster.tls_server_config).toMatchObject({
      client_auth_type: 'RequireAndVerifyClientCert',
      client_ca_file: 'ca.crt',
    });
    expect(cluster.tls_client_config).toMatchObject({ ca_file: 'ca.crt', cert_file: 'server.crt' });
    expect(monitoring.services['web-config'].volumes).toContain(
      './monitoring/alertmanager/cluster-tls.yml:/templates/alertmanager-cluster.yml:ro',
    );
  });
});

describe('Redis ACL users', () => {
  const template = read('monitoring/redis/users.acl');
  const placeholders = [...template.matchAll(/__SHA256_([A-Z_]+)__/g)].map((m) => m[1].toLowerCase()).sort();

  it('compose substitutes exactly the placeholders of users.acl, from the secrets of those names', () => {
    const oneShot = base.services['redis-acl'];
    expect(placeholders).toEqual(['redis_api_password', 'redis_readonly_password']);
    for (const name of placeholders) {
      expect(script(oneShot)).toContain(`__SHA256_${name.toUpperCase()}__|$$(sha ${name})`);
      expect(oneShot.secrets).toContain(name);
    }
  });

  it('renders SHA-256 hashes (what compose’s sha256sum writes), the default user off', () => {
    const acl = renderRedisAcl(template, (name) => `pw-of-${name}`);
    const sha = (s: string) => execFileSync('sha256sum', { input: s }).toString().split(' ')[0];
    expect(acl).toContain(`#${sha('pw-of-redis_api_password')}`);
    expect(acl).toContain(`#${sha('pw-of-redis_readonly_password')}`);
    expect(acl).not.toMatch(/__SHA256_/);
    expect(acl).toMatch(/^user default off /m);
  });
});
