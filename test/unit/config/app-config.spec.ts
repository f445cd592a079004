import { ConfigError, loadConfig } from '../../../src/config';

const SECRET = 'a'.repeat(32);

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
      '/run/secrets/jwt': `${'b'.repeat(40)}\n`,
      '/run/secrets/metrics': 'scrape-token\n',
    };
    const { config, warnings } = loadConfig(
      {
        NODE_ENV: 'production',
        JWT_SECRET: SECRET,
        JWT_SECRET_FILE: '/run/secrets/jwt',
        METRICS_TOKEN_FILE: '/run/secrets/metrics',
      },
      (path) => {
        if (!(path in files)) throw new Error(`ENOENT ${path}`);
        return files[path];
      },
    );
    expect(config.jwt).toMatchObject({ secret: 'b'.repeat(40), generated: false });
    expect(config.metricsToken).toBe('scrape-token');
    expect(warnings).toEqual([]);
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
});
