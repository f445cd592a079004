import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  COMPOSE_HA_CONFIG,
  prometheusReplicaConfig,
  REPLICA_LABEL,
} from '../../../scripts/stack/prometheus-ha-config';
import { withScope } from '../../../monitoring/grafana/src/variables';

const ROOT = join(__dirname, '..', '..', '..');
const shipped = readFileSync(join(ROOT, 'monitoring/prometheus/prometheus.yml'), 'utf8');

describe("an HA replica's prometheus.yml", () => {
  const rendered = parse(
    prometheusReplicaConfig(shipped, {
      replica: 'b',
      remoteWriteUrl: 'https://127.0.0.1:19291/api/v1/receive',
      clientCertFile: 'tls/server.crt',
      clientKeyFile: 'tls/server.key',
    }),
  ) as Record<string, unknown> & {
    global: { external_labels: Record<string, string> };
    alerting: { alert_relabel_configs: unknown[] };
    remote_write: { url: string; tls_config?: Record<string, string> }[];
  };
  const original = parse(shipped) as Record<string, unknown>;

  it('adds the replica label, drops it from alerts (one alert from both replicas) and remote-writes to Receive', () => {
    expect(rendered.global.external_labels).toMatchObject({ [REPLICA_LABEL]: 'b' });
    expect(rendered.alerting.alert_relabel_configs).toEqual([{ action: 'labeldrop', regex: REPLICA_LABEL }]);
    expect(rendered.remote_write.map((r) => r.url)).toEqual(['https://127.0.0.1:19291/api/v1/receive']);
  });

  it("remote-writes over mutual TLS: Receive's certificate verified against the stack CA, a client certificate presented", () => {
    expect(rendered.remote_write.map((r) => r.tls_config)).toEqual([
      { ca_file: 'tls/ca.crt', cert_file: 'tls/server.crt', key_file: 'tls/server.key' },
    ]);
  });

  it("compose's committed replica config writes to Receive over mutual TLS (the web-config volume's readable key)", () => {
    const committed = parse(readFileSync(join(ROOT, COMPOSE_HA_CONFIG), 'utf8')) as {
      remote_write: { url: string; tls_config: Record<string, string> }[];
    };
    expect(committed.remote_write).toEqual([
      expect.objectContaining({
        url: 'https://thanos-receive:19291/api/v1/receive',
        tls_config: { ca_file: 'tls/ca.crt', cert_file: 'web/server.crt', key_file: 'web/server.key' },
      }),
    ]);
  });

  it('keeps every scrape job and rule file of the shipped file unchanged', () => {
    expect(rendered.scrape_configs).toEqual(original.scrape_configs);
    expect(rendered.rule_files).toEqual(original.rule_files);
  });
});

describe('dashboard queries narrowed by the job/instance variables', () => {
  it.each([
    ['up', 'up{job=~"$job", instance=~"$instance"}'],
    ['sum(up{job="x"})', 'sum(up{job="x", job=~"$job", instance=~"$instance"})'],
    [
      'rate(a_total{code=~"5.."}[5m]) / rate(a_total[5m])',
      'rate(a_total{code=~"5..", job=~"$job", instance=~"$instance"}[5m]) / rate(a_total{job=~"$job", instance=~"$instance"}[5m])',
    ],
    [
      'histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m])))',
      'histogram_quantile(0.95, sum by (le) (rate(h_bucket{job=~"$job", instance=~"$instance"}[5m])))',
    ],
    ['1 - x / y', '1 - x{job=~"$job", instance=~"$instance"} / y{job=~"$job", instance=~"$instance"}'],
  ])('%s', (expr, scoped) => {
    expect(withScope(expr)).toBe(scoped);
  });

  it('refuses an expression that does not parse', () => {
    expect(() => withScope('sum(')).toThrow(/syntax error/);
  });
});
