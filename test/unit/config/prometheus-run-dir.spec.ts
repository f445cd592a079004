import { DEFAULT_PORTS } from '../../../scripts/stack/ports.ts';
import {
  apiLivenessTargets,
  prometheusTargets,
  withShorterFor,
} from '../../../scripts/stack/prometheus-run-dir.ts';

/** The native stack's Prometheus run directory: push-mode targets, the probe target, shorter for:. */
describe('prometheusTargets', () => {
  it("scrapes the API's /metrics in pull mode only", () => {
    expect(prometheusTargets(DEFAULT_PORTS, false)['mytelevision-api']).toBe(3000);
    expect(prometheusTargets(DEFAULT_PORTS, false, false)['mytelevision-api']).toBeNull();
  });
});

describe('apiLivenessTargets', () => {
  it("probes the API's liveness route through the blackbox exporter's address", () => {
    expect(apiLivenessTargets(DEFAULT_PORTS)).toBe(
      '- targets: ["https://127.0.0.1:3000/health/live"]\n  labels:\n    __blackbox_exporter: "127.0.0.1:9115"\n',
    );
  });
});

describe('withShorterFor', () => {
  it('divides every for: and nothing else', () => {
    const rules = [
      '      - alert: A',
      '        expr: rate(x[5m]) > 0',
      '        for: 2m',
      '      - alert: B',
      '        for: 15s',
      '      - alert: C',
      '        for: 1h',
    ].join('\n');
    expect(withShorterFor(rules, 8)).toBe(
      [
        '      - alert: A',
        '        expr: rate(x[5m]) > 0',
        '        for: 15s',
        '      - alert: B',
        '        for: 2s',
        '      - alert: C',
        '        for: 450s',
      ].join('\n'),
    );
  });
});
