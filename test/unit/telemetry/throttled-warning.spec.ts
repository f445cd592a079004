import { ThrottledWarning } from '../../../src/infrastructure/logging/throttled-warning';
import { throttledDiagLogger } from '../../../src/infrastructure/telemetry/diag-logger';

describe('ThrottledWarning', () => {
  it('emits a key once per interval and reports how many it held back', () => {
    let now = 0;
    const out: Array<[string, Record<string, unknown>]> = [];
    const w = new ThrottledWarning(
      (m, c) => out.push([m, c]),
      1000,
      () => now,
    );
    for (let i = 0; i < 100; i++) w.warn('a', 'export failed');
    w.warn('b', 'other');
    now = 1500;
    w.warn('a', 'export failed');
    expect(out).toEqual([
      ['export failed', {}],
      ['other', {}],
      ['export failed', { suppressed: 99 }],
    ]);
  });

  it('survives a sink that throws', () => {
    const w = new ThrottledWarning(() => {
      throw new Error('stdout closed');
    });
    expect(() => w.warn('k', 'm')).not.toThrow();
  });
});

describe('throttledDiagLogger', () => {
  it('logs a repeated export error a bounded number of times', () => {
    const lines: string[] = [];
    const log = throttledDiagLogger((m) => lines.push(m), 60_000);
    for (let i = 0; i < 500; i++)
      log.error('OTLPExporterError', new Error('connect ECONNREFUSED 127.0.0.1:1'));
    log.info('ignored');
    expect(lines).toEqual(['opentelemetry: OTLPExporterError']);
  });
});
