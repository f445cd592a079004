/**
 * The traffic generator: `concurrency` workers run a scenario's weighted actions against the API
 * until EITHER bound is reached — `requests` sent or `durationMs` elapsed — or the caller's signal
 * fires. It always stops by itself: at the deadline, requests still in flight are aborted.
 *
 * Not counted in `requests`: the two scrapes of /metrics (before and after) that give the metric
 * deltas of the summary, made only when the exposition is readable (with `metricsToken` if required).
 */
import { randomBytes } from 'node:crypto';
import { ApiClient } from './api-client.ts';
import { exposedTotals, totalsDelta } from './exposition-totals.ts';
import { NoResponse, RunContext, StopRun, seededRandom, type StopReason } from './run-context.ts';
import { SCENARIOS, chooseAction, type ScenarioName, type WorkerState } from './scenarios.ts';

export interface TrafficOptions {
  readonly baseUrl: string;
  readonly scenario: ScenarioName;
  /** Upper bound on HTTP requests sent (every route call counts, logins and retries included). */
  readonly requests: number;
  /** Upper bound on the run's wall time. */
  readonly durationMs: number;
  readonly concurrency: number;
  /** Bearer token of GET /metrics, for the metric deltas of the summary. */
  readonly metricsToken?: string;
  /** Requests per second over all workers (spreads a long run evenly); default: no pacing. */
  readonly ratePerSecond?: number;
  /** Seed of the choices (same seed, same sequence of actions per worker); default: random. */
  readonly seed?: number;
  /** Ends the run early (e.g. Ctrl-C); the summary is still returned. */
  readonly signal?: AbortSignal;
}

export interface RouteStatusCount {
  readonly method: string;
  /** Route template as the API labels it (`/api/v1/contents/:id`, `unmatched`). */
  readonly route: string;
  /** HTTP status, `error` (no answer) or `aborted` (cut at the deadline). */
  readonly status: string;
  readonly count: number;
}

export interface TrafficSummary {
  readonly scenario: ScenarioName;
  readonly baseUrl: string;
  readonly seed: number;
  /** Requests sent (≤ options.requests). */
  readonly requests: number;
  readonly durationMs: number;
  readonly stoppedBy: StopReason;
  readonly byRoute: readonly RouteStatusCount[];
  readonly byStatus: Readonly<Record<string, number>>;
  /** Requests that got no HTTP answer. */
  readonly errors: number;
  readonly errorMessages: readonly string[];
  /** 429 answers (rate limiter or account lock); the generator backed off on each. */
  readonly rateLimited: number;
  /** Change of each mytelevision_* sample name (summed over its series), when /metrics was readable. */
  readonly metricDeltas?: Readonly<Record<string, number>>;
}

function validate(options: TrafficOptions): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer (got ${v})`);
  };
  positiveInt('requests', options.requests);
  positiveInt('concurrency', options.concurrency);
  if (!Number.isFinite(options.durationMs) || options.durationMs <= 0) {
    throw new RangeError(`durationMs must be a positive number (got ${options.durationMs})`);
  }
  if (options.ratePerSecond !== undefined && !(options.ratePerSecond > 0)) {
    throw new RangeError(`ratePerSecond must be positive (got ${options.ratePerSecond})`);
  }
  if (!SCENARIOS[options.scenario]) throw new RangeError(`unknown scenario ${options.scenario}`);
}

async function scrapeTotals(
  baseUrl: string,
  token: string | undefined,
): Promise<Map<string, number> | undefined> {
  try {
    const res = await new ApiClient(baseUrl, { signal: AbortSignal.timeout(5_000) }).metrics(token);
    return res.status === 200 ? exposedTotals(res.body) : undefined;
  } catch {
    return undefined;
  }
}

async function worker(ctx: RunContext, state: WorkerState, scenario: ScenarioName): Promise<void> {
  const actions = SCENARIOS[scenario].actions;
  // A newcomer first tries every feature once (in a random order), then settles into the weighted
  // mix: even a short run reaches every route, rare ones included.
  const tour = ctx.shuffle(actions);
  while (!ctx.stopped) {
    const next = tour.shift() ?? chooseAction(ctx, actions);
    if (!next) {
      // Every route this scenario uses is backing off after a 429: wait for the first to reopen.
      await ctx.waitForCooldown(actions.map((a) => a.route));
      continue;
    }
    const sentBefore = ctx.sent;
    try {
      await next.run(ctx, state);
      // An action with nothing to do sent nothing: yield to the event loop so timers still fire.
      if (ctx.sent === sentBefore) await new Promise((resolve) => setImmediate(resolve));
    } catch (error) {
      if (error instanceof StopRun) return;
      // No answer (API restarting?): counted by the context; pause briefly rather than spin.
      if (error instanceof NoResponse) await ctx.sleep(200);
      else throw error;
    }
  }
}

export async function runTraffic(options: TrafficOptions): Promise<TrafficSummary> {
  validate(options);
  const seed = options.seed ?? randomBytes(4).readUInt32BE(0);
  const abort = new AbortController();
  const ctx = new RunContext({
    client: new ApiClient(options.baseUrl, { signal: abort.signal }),
    maxRequests: options.requests,
    abort,
    ratePerSecond: options.ratePerSecond,
    random: seededRandom(seed),
  });
  const before = await scrapeTotals(options.baseUrl, options.metricsToken);

  const started = Date.now();
  const deadline = setTimeout(() => {
    ctx.stop('duration');
    abort.abort();
  }, options.durationMs);
  const onSignal = () => {
    ctx.stop('signal');
    abort.abort();
  };
  if (options.signal?.aborted) onSignal();
  options.signal?.addEventListener('abort', onSignal, { once: true });

  // Unique per run: accounts of one run never collide with another's (their e-mails carry it).
  const runId = `${Date.now().toString(36)}${seed.toString(36)}`;
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, (_, id) =>
        worker(ctx, { id, runId, users: [], catalogue: undefined, nextUser: 0 }, options.scenario),
      ),
    );
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onSignal);
  }
  const durationMs = Date.now() - started;
  const after = before && (await scrapeTotals(options.baseUrl, options.metricsToken));

  const byRoute: RouteStatusCount[] = [];
  const byStatus: Record<string, number> = {};
  for (const [key, statuses] of ctx.counts) {
    const [method, route] = key.split(' ');
    for (const [status, count] of statuses) {
      byRoute.push({ method, route, status, count });
      byStatus[status] = (byStatus[status] ?? 0) + count;
    }
  }
  byRoute.sort(
    (a, b) =>
      a.route.localeCompare(b.route) || a.method.localeCompare(b.method) || a.status.localeCompare(b.status),
  );
  return {
    scenario: options.scenario,
    baseUrl: options.baseUrl,
    seed,
    requests: ctx.sent,
    durationMs,
    // Workers only return once the run is stopped; `requests` is the only reason left otherwise.
    stoppedBy: ctx.stopReason ?? 'requests',
    byRoute,
    byStatus,
    errors: ctx.errors,
    errorMessages: [...ctx.errorMessages],
    rateLimited: ctx.rateLimited,
    ...(before && after ? { metricDeltas: totalsDelta(before, after) } : {}),
  };
}
