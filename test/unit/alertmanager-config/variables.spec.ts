import {
  check,
  isDuration,
  RenderError,
  resolveVariables,
  VARIABLES,
} from '../../../scripts/alertmanager-config/variables.ts';

/** The renderer's typed input checks (scripts/alertmanager-config/variables.ts). */
const REQUIRED = {
  SMTP_HOST: 'smtp.example.com:587',
  SMTP_FROM: 'alertmanager@example.com',
  ALERT_EMAIL_CRITICAL: 'oncall@example.com',
  ALERT_EMAIL_WARNING: 'team@example.com',
  ALERT_EMAIL_DATABASE: 'dba@example.com',
  ALERT_EMAIL_SECURITY: 'security@example.com, ciso@example.com',
  ALERT_EMAIL_PAYMENTS: 'payments@example.com',
  ALERT_EMAIL_DEFAULT: 'ops@example.com',
  RUNBOOK_BASE_URL: 'https://git.example.com/mytelevision/-/blob/main/',
};

describe('isDuration', () => {
  it.each(['30s', '5m', '4h', '1h30m', '500ms', '1d', '2w', '1y', '1m30s500ms'])('accepts %s', (d) =>
    expect(isDuration(d)).toBe(true),
  );
  it.each(['', '5', 'm', '5 m', '30m1h', '1h1h', '-5m', '5min', '1.5h', '5m '])('refuses %j', (d) =>
    expect(isDuration(d)).toBe(false),
  );
});

describe('check', () => {
  it.each([
    ['hostport', 'smtp.example.com:587'],
    ['hostport', '127.0.0.1:2525'],
    ['hostport', '[::1]:25'],
    ['email', 'a.b+c@example.co.uk'],
    ['emails', 'a@example.com,b@example.com, c@example.com'],
    ['channel', '#alerts-critical'],
    ['channel', '@oncall'],
    ['path', '/run/secrets/smtp_password'],
    ['bool', 'false'],
  ] as const)('accepts %s %s', (kind, value) => expect(check(kind, value)).toBe(value));

  it.each([
    ['hostport', 'smtp.example.com'],
    ['hostport', 'smtp.example.com:99999'],
    ['hostport', 'smtp example.com:25'],
    ['email', 'no-at.example.com'],
    ['email', 'a@localhost'],
    ['email', 'a"b@example.com'],
    ['emails', 'a@example.com;b@example.com'],
    ['channel', 'alerts'],
    ['channel', '#Alerts With Spaces'],
    ['path', ''],
    ['path', 'a\nb'],
    ['bool', 'yes'],
    ['url', 'ftp://example.com'],
    ['url', 'https://example.com/?q=1'],
    ['url', 'https://user:pw@example.com'],
    ['url', 'https://example.com/{{ .Alerts }}'],
    ['url', 'https://example.com/"><script>'],
  ] as const)('refuses %s %j', (kind, value) => expect(check(kind, value)).toBeUndefined());

  it('normalises a URL without its trailing slashes', () => {
    expect(check('url', 'https://grafana.example.com/')).toBe('https://grafana.example.com');
    expect(check('url', 'https://git.example.com/a/b//')).toBe('https://git.example.com/a/b');
  });
});

describe('resolveVariables', () => {
  it('fills the defaults: shipped timings, no heartbeat URL, no CA file', () => {
    const values = resolveVariables(REQUIRED);
    expect(values).toMatchObject({
      ALERTMANAGER_GROUP_WAIT: '30s',
      ALERTMANAGER_GROUP_INTERVAL: '5m',
      ALERTMANAGER_REPEAT_INTERVAL: '4h',
      ALERTMANAGER_CRITICAL_REPEAT_INTERVAL: '1h',
      ALERTMANAGER_RESOLVE_TIMEOUT: '5m',
      HEARTBEAT_REPEAT_INTERVAL: '5m',
      SMTP_REQUIRE_TLS: 'true',
      SMTP_USER: '',
      RUNBOOK_BASE_URL: 'https://git.example.com/mytelevision/-/blob/main',
    });
    expect(values.HEARTBEAT_URL_FILE).toBeUndefined();
    expect(values.ALERTMANAGER_HTTP_CA_FILE).toBeUndefined();
  });

  it('treats an empty variable as unset (compose passes ${X:-})', () => {
    expect(resolveVariables({ ...REQUIRED, SLACK_CHANNEL_CRITICAL: '' }).SLACK_CHANNEL_CRITICAL).toBe(
      VARIABLES.SLACK_CHANNEL_CRITICAL.default,
    );
  });

  it('names every missing required variable in one error', () => {
    const env: Record<string, string> = { ...REQUIRED };
    delete env.SMTP_HOST;
    delete env.RUNBOOK_BASE_URL;
    expect(() => resolveVariables(env)).toThrow(
      new RenderError(
        'missing required variables SMTP_HOST, RUNBOOK_BASE_URL (see monitoring/alertmanager/README.md)',
      ),
    );
  });

  it('names the refused variable and never echoes its value', () => {
    const secretLooking = 'S3cret value';
    expect(() => resolveVariables({ ...REQUIRED, SMTP_USER: secretLooking })).toThrow(
      /^SMTP_USER is refused: expected letters, digits and @ \. _ \+ -$/,
    );
  });
});
