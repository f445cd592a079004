import { createServer, type Server } from 'node:http';
import { freePort } from './ports';

export interface CapturedRequest {
  readonly path: string;
  readonly contentType: string;
  /** Parsed when the body is OTLP/JSON, else undefined. */
  readonly json: unknown;
}

/**
 * Records what an OpenTelemetry SDK sends over OTLP/HTTP (answering 200 with an empty JSON body),
 * so a test can see which endpoint, encoding and content a standard OTEL_* variable produced.
 * It observes the SDK's output; the Collector tests prove the same data is accepted downstream.
 */
export class OtlpCapture {
  readonly requests: CapturedRequest[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    const port = await freePort();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const contentType = req.headers['content-type'] ?? '';
        let json: unknown;
        if (contentType.includes('json')) json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        this.requests.push({ path: req.url ?? '', contentType, json });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  at(path: string): CapturedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

type KeyValue = { key: string; value: { stringValue?: string } };
export interface OtlpSpan {
  readonly traceId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly scope: string;
}

/** Every span of OTLP/JSON trace requests, with its instrumentation scope. */
export function spansOf(requests: readonly CapturedRequest[]): OtlpSpan[] {
  type Body = { resourceSpans: Array<{ scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }> }> };
  return requests.flatMap((r) =>
    (r.json as Body).resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, scope: ss.scope.name }))),
    ),
  );
}

export interface OtlpMetric {
  readonly name: string;
  readonly sum?: { aggregationTemporality: number; dataPoints: Array<{ attributes?: KeyValue[] }> };
}

/** Every metric of OTLP/JSON metric requests. */
export function metricsOf(requests: readonly CapturedRequest[]): OtlpMetric[] {
  type Body = { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: OtlpMetric[] }> }> };
  return requests.flatMap((r) =>
    (r.json as Body).resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)),
  );
}
