import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config';

const SECRET = 'a'.repeat(32);
/** Strong enough for production: random-looking, 43 characters. */
const STRONG_JWT = 'Vq3xK9mZp2LwR7tYc5Nf8Hd1Jg4Bs6Ae0Ui-Xo_Wk3Tz';
const STRONG_TOKEN = 'mT7pQ2vX9cL4kZ8wR1yN6bF3hJ5dS0gA-eU_iO2uY7r';
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: STRONG_JWT,
  METRICS_TOKEN: STRONG_TOKEN,
  PAYMENT_GATEWAY: 'sandbox',
};

describe('loadConfig', () => {
  it('applies the documented defaults in development and generates a JWT secret with a warning', () => {
    const { config, warnings } = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      host: '127.0.0.1',
      port: 3000,
      bodyLimit: '100kb',
      databaseUrl: undefined,
      redisUrl: undefined,
      metricsToken: undefined,
      jwt: { generated: true, accessTokenTtlS: 900 },
      login: { maxFailures: 5 },
    });
    expect(config.jwt.secret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({}).config.jwt.secret).not.toBe(config.jwt.secret);
    expect(warnings).toEqual([expect.stringContaining('JWT_SECRET is not set')]);
  });

  it('keeps embedded PostgreSQL in .data/pglite by default, elsewhere or in memory on request', () => {
    expect(loadConfig({}).config.pgliteDataDir).toBe(join(process.cwd(), '.data', 'pglite'));
    expect(loadConfig({ PGLITE_DATA_DIR: '/var/lib/mtv' }).config.pgliteDataDir).toBe('/var/lib/mtv');
    expect(loadConfig({ PGLITE_DATA_DIR: 'memory' }).config.pgliteDataDir).toBeUndefined();
  });

  it('refuses production without JWT_SECRET and METRICS_TOKEN, naming both in one message', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET \(or JWT_SECRET_FILE\) is required in production; METRICS_TOKEN \(or METRICS_TOKEN_FILE\) is required/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ NODE_ENV: 'production', METRICS_TOKEN: 't' })).toThrow(/JWT_SECRET/);
  });

  it('starts production with both secrets, and reads them from *_FILE (the file wins, trimmed)', () => {
    const files: Record<string, string> = {
      '/run/secrets/jwt': `${STRONG_JWT}\n`,
      '/run/secrets/metrics': `${STRONG_TOKEN}\n`,
    };
    const { config } = loadConfig(
      {
        NODE_ENV: 'production',
        PAYMENT_GATEWAY: 'sandbox',
        JWT_SECRET: SECRET,
        JWT_SECRET_FILE: '/run/secrets/jwt',
        METRICS_TOKEN_FILE: '/run/secrets/metrics',
      },
      (path) => {
        if (!(path in files)) throw new Error(`ENOENT ${path}`);
        return files[path];
      },
    );
    expect(config.jwt).toMatchObject({ secret: STRONG_JWT, generated: false });
    expect(config.metricsToken).toBe(STRONG_TOKEN);
  });

  it('reports an unreadable secret file instead of starting without the secret', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET_FILE: '/missing', METRICS_TOKEN: 't' }, () => {
        throw new Error('ENOENT');
      }),
    ).toThrow(/JWT_SECRET_FILE \(\/missing\) cannot be read: ENOENT/);
  });

  it('parses the tunables and rejects invalid values, each named', () => {
    const { config } = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      THROTTLE_TTL_MS: '1000',
      THROTTLE_LIMIT: '7',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_LOCK_MS: '5000',
      ACCESS_TOKEN_TTL_S: '60',
      REFRESH_TOKEN_TTL_S: '120',
      BODY_LIMIT: '1mb',
      DATABASE_URL: 'postgres://u:p@db/x',
      REDIS_URL: 'redis://cache:6379',
      JWT_SECRET: SECRET,
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      bodyLimit: '1mb',
      throttle: { ttlMs: 1000, limit: 7 },
      login: { maxFailures: 3, lockMs: 5000 },
      jwt: { accessTokenTtlS: 60, refreshTokenTtlS: 120, secret: SECRET, generated: false },
      databaseUrl: 'postgres://u:p@db/x',
      redisUrl: 'redis://cache:6379',
    });
    expect(() =>
      loadConfig({ PORT: 'http', LOGIN_MAX_FAILURES: '0', NODE_ENV: 'staging', BODY_LIMIT: 'lots' }),
    ).toThrow(
      /NODE_ENV must be development, production or test.*BODY_LIMIT must look like.*PORT must be an integer.*LOGIN_MAX_FAILURES must be an integer/,
    );
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET must be at least 32 characters/);
  });

  it('reads the PostgreSQL password from DATABASE_PASSWORD_FILE (compose secret), kept out of the URL', () => {
    const files: Record<string, string> = { '/run/secrets/postgres_password': 'pg-secret\n' };
    const { config } = loadConfig(
      {
        DATABASE_URL: 'postgres://mytelevision@postgres:5432/mytelevision',
        DATABASE_PASSWORD_FILE: '/run/secrets/postgres_password',
      },
      (path) => files[path],
    );
    expect(config.databasePassword).toBe('pg-secret');
    expect(config.databaseUrl).toBe('postgres://mytelevision@postgres:5432/mytelevision');
  });

  it('serves HTTPS from TLS_CERT_FILE + TLS_KEY_FILE (both or neither) and reads the Redis password from a file', () => {
    const files: Record<string, string> = {
      '/tls/server.crt': 'CERT PEM',
      '/tls/server.key': 'KEY PEM',
      '/run/secrets/redis': 'redis-pass\n',
    };
    const readFile = (path: string) => {
      if (!(path in files)) throw new Error(`ENOENT ${path}`);
      return files[path];
    };
    expect(loadConfig({}).config).toMatchObject({ tls: undefined, redisPassword: undefined });
    const { config } = loadConfig(
      {
        TLS_CERT_FILE: '/tls/server.crt',
        TLS_KEY_FILE: '/tls/server.key',
        REDIS_PASSWORD_FILE: '/run/secrets/redis',
      },
      readFile,
    );
    expect(config.tls).toEqual({ cert: 'CERT PEM', key: 'KEY PEM' });
    expect(config.redisPassword).toBe('redis-pass');
    expect(() => loadConfig({ TLS_CERT_FILE: '/tls/server.crt' }, readFile)).toThrow(
      /TLS_CERT_FILE and TLS_KEY_FILE go together/,
    );
    expect(() =>
      loadConfig({ TLS_CERT_FILE: '/tls/server.crt', TLS_KEY_FILE: '/missing' }, readFile),
    ).toThrow(/TLS_CERT_FILE\/TLS_KEY_FILE cannot be read: ENOENT \/missing/);
  });

  describe('production safety', () => {
    it('refuses weak secrets in production with one message naming each and why', () => {
      const weak = () => loadConfig({ ...PRODUCTION, JWT_SECRET: 'a'.repeat(32), METRICS_TOKEN: 'x' });
      expect(weak).toThrow(ConfigError);
      expect(weak).toThrow(
        /^invalid configuration: JWT_SECRET is too weak for production \(it is a short pattern repeated\).*; METRICS_TOKEN is too weak for production \(1 characters, at least 32 needed\)/,
      );
      expect(() => loadConfig({ ...PRODUCTION, METRICS_TOKEN: 'abcd'.repeat(10) })).toThrow(
        /METRICS_TOKEN is too weak.*repeated/,
      );
      expect(() =>
        loadConfig({ ...PRODUCTION, METRICS_TOKEN: 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbcccc' }),
      ).toThrow(/METRICS_TOKEN is too weak.*bits of entropy/);
      expect(loadConfig(PRODUCTION).config.metricsToken).toBe(STRONG_TOKEN);
      // Development keeps accepting a short metrics token (only JWT_SECRET's length is checked there).
      expect(loadConfig({ METRICS_TOKEN: 'x' }).config.metricsToken).toBe('x');
    });

    it('requires PAYMENT_GATEWAY in production and warns when it is the sandbox', () => {
      const withoutGateway: Record<string, string> = { ...PRODUCTION };
      delete withoutGateway.PAYMENT_GATEWAY;
      expect(() => loadConfig(withoutGateway)).toThrow(
        /PAYMENT_GATEWAY is required in production \(one of: sandbox\)/,
      );
      expect(() => loadConfig({ ...PRODUCTION, PAYMENT_GATEWAY: 'stripe' })).toThrow(
        /PAYMENT_GATEWAY must be one of sandbox \(got "stripe"\)/,
      );
      const { config, warnings } = loadConfig(PRODUCTION);
      expect(config.payments.gateway).toBe('sandbox');
      expect(warnings).toEqual([
        expect.stringMatching(/PAYMENT_GATEWAY=sandbox in production: payments are simulated/),
      ]);
      // Development and tests default to the sandbox, silently.
      expect(loadConfig({ JWT_SECRET: SECRET }).config.payments.gateway).toBe('sandbox');
      expect(loadConfig({ JWT_SECRET: SECRET }).warnings).toEqual([]);
    });

    it('trusts no proxy by default, and parses TRUSTED_PROXIES', () => {
      expect(loadConfig(PRODUCTION).config.trustedProxies).toEqual([]);
      expect(loadConfig({ TRUSTED_PROXIES: 'none' }).config.trustedProxies).toEqual([]);
      expect(
        loadConfig({ TRUSTED_PROXIES: '10.0.0.1, 172.16.0.0/12,loopback' }).config.trustedProxies,
      ).toEqual(['10.0.0.1', '172.16.0.0/12', 'loopback']);
      expect(() => loadConfig({ TRUSTED_PROXIES: 'my-proxy.example' })).toThrow(
        /TRUSTED_PROXIES must list IP addresses/,
      );
    });

    it('sets server timeouts, overridable, and keeps the headers timeout within the request timeout', () => {
      expect(loadConfig({}).config.server).toEqual({
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        keepAliveTimeoutMs: 5_000,
      });
      expect(
        loadConfig({
          HTTP_HEADERS_TIMEOUT_MS: '2000',
          HTTP_REQUEST_TIMEOUT_MS: '4000',
          HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
        }).config.server,
      ).toEqual({ headersTimeoutMs: 2000, requestTimeoutMs: 4000, keepAliveTimeoutMs: 65_000 });
      expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(
        /HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS/,
      );
      expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(
        /HTTP_REQUEST_TIMEOUT_MS must be an integer between 1/,
      );
    });
  });
});
