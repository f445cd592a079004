/**
 * The traffic scenarios: weighted actions a worker picks from, one request (or a short sequence) each.
 *
 *  - normal: what a day of viewers looks like, driving every route of the API (and so every
 *    catalogue metric), with occasional failed logins, premium 403s, declined cards and unknown URLs;
 *  - brute-force: wrong passwords against a few accounts (and unknown e-mails): > 10 failed logins
 *    per minute, so PossibleBruteForce fires; accounts lock after LOGIN_MAX_FAILURES, later attempts
 *    fail as account_locked;
 *  - payment-failures: one-off payments of which half use the declined test card (> 5% of payments,
 *    so PaymentFailuresHigh fires);
 *  - all: the three interleaved (normal 70%, each fault 15%).
 */
import { TEST_CARDS, type ContentItem } from './api-client.ts';
import type { RunContext } from './run-context.ts';
import { ROUTES, VirtualUser, randomSecret } from './virtual-user.ts';

export const SCENARIO_NAMES = ['normal', 'brute-force', 'payment-failures', 'all'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** What one worker owns: its users (never shared, so no two requests race on one session). */
export interface WorkerState {
  readonly id: number;
  readonly runId: string;
  readonly users: VirtualUser[];
  catalogue: ContentItem[] | undefined;
  nextUser: number;
}

export interface Action {
  readonly name: string;
  readonly weight: number;
  /** The route template it calls first: skipped while that route is backing off after a 429. */
  readonly route: string;
  run(ctx: RunContext, w: WorkerState): Promise<void>;
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly actions: readonly Action[];
}

/** Users per worker in the normal scenario: several accounts, so no single one trips a limit. */
const USERS_PER_WORKER = 3;
const MAX_USERS_PER_WORKER = 6;
/** Open streams kept per user; the oldest is stopped first (the API caps 10 per user). */
const STREAMS_PER_USER = 2;
const PROFILES_PER_USER = 3;

const SOURCES = ['web', 'ios', 'android', 'smart_tv'] as const;
const DEVICE_TYPES = ['tv', 'mobile', 'tablet', 'web'] as const;
const REACTIONS = ['like', 'dislike', 'love'] as const;
const UNKNOWN_PATHS = [
  '/wp-login.php',
  '/api/v2/contents',
  '/api/v1/admin',
  '/.env',
  '/api/v1/contents/x/y/z',
];

function newUser(ctx: RunContext, w: WorkerState, tag = 'viewer'): VirtualUser {
  w.nextUser += 1;
  return new VirtualUser(`${tag}-${w.runId}-${w.id}-${w.nextUser}@example.test`, ctx.pick(SOURCES));
}

function someUser(ctx: RunContext, w: WorkerState): VirtualUser {
  while (w.users.length < USERS_PER_WORKER) w.users.push(newUser(ctx, w));
  return ctx.pick(w.users);
}

async function catalogue(ctx: RunContext, w: WorkerState): Promise<ContentItem[]> {
  if (!w.catalogue) {
    const res = await ctx.call('GET', ROUTES.contents, () => ctx.client.contents());
    if (res.status === 200 && Array.isArray(res.body)) w.catalogue = res.body;
  }
  return w.catalogue ?? [];
}

/** A title the user may watch (free, or any when premium); undefined when the catalogue is empty. */
async function watchable(
  ctx: RunContext,
  w: WorkerState,
  user: VirtualUser,
): Promise<ContentItem | undefined> {
  const items = (await catalogue(ctx, w)).filter((c) => user.premium || !c.premium);
  return items.length ? ctx.pick(items) : undefined;
}

/** A card payment, or mobile money / PayPal (their sandboxes approve). `declinedShare` of cards decline. */
type PickUser = (ctx: RunContext, w: WorkerState) => VirtualUser;

/** A one-off payment by a user `pick` chooses, with `declinedShare` of them on the declined card. */
function paymentAction(weight: number, pick: PickUser, declinedShare: number): Action {
  return action('payment', weight, ROUTES.payments, async (ctx, w) => {
    const user = pick(ctx, w);
    const { method, card } = paymentMethod(ctx, declinedShare);
    const value = amount(ctx);
    await user.authed(ctx, 'POST', ROUTES.payments, (t) => ctx.client.pay(t, value, method, card));
  });
}

/** A subscription by a free user `pick` chooses; the user becomes premium when it is charged. */
function subscribeAction(
  weight: number,
  pick: PickUser,
  declinedShare: number,
  plan: (ctx: RunContext) => string,
): Action {
  return action('subscribe', weight, ROUTES.subscriptions, async (ctx, w) => {
    const user = pick(ctx, w);
    if (user.premium) return;
    const chosen = plan(ctx);
    const { method, card } = paymentMethod(ctx, declinedShare);
    const res = await user.authed(ctx, 'POST', ROUTES.subscriptions, (t) =>
      ctx.client.subscribe(t, chosen, method, card),
    );
    if (res?.status === 201) user.premium = true;
  });
}

function paymentMethod(ctx: RunContext, declinedShare: number): { method: string; card?: string } {
  if (ctx.chance(declinedShare)) return { method: 'card', card: TEST_CARDS.declined };
  const r = ctx.random();
  if (r < 0.75) return { method: 'card', card: TEST_CARDS.approved };
  return r < 0.9 ? { method: 'mobile_money' } : { method: 'paypal' };
}

const amount = (ctx: RunContext) => Math.round((1 + ctx.random() * 49) * 100) / 100;

const action = (name: string, weight: number, route: string, run: Action['run']): Action => ({
  name,
  weight,
  route,
  run,
});

const NORMAL: readonly Action[] = [
  action('browse', 10, ROUTES.contents, async (ctx, w) => {
    const type = ctx.chance(0.4)
      ? ctx.pick(['movie', 'series', 'episode', 'live', 'documentary'])
      : undefined;
    const res = await ctx.call('GET', ROUTES.contents, () => ctx.client.contents(type));
    if (!type && res.status === 200 && Array.isArray(res.body)) w.catalogue = res.body;
  }),
  action('title', 9, ROUTES.content, async (ctx, w) => {
    const items = await catalogue(ctx, w);
    // Now and then a stale link: 404.
    const id = ctx.chance(0.1) || !items.length ? `missing-${randomSecret()}` : ctx.pick(items).id;
    await ctx.call('GET', ROUTES.content, () => ctx.client.content(id));
  }),
  action('view', 12, ROUTES.views, async (ctx, w) => {
    const user = someUser(ctx, w);
    const items = await catalogue(ctx, w);
    if (!items.length) return;
    // Free users click premium titles too (403 until they subscribe).
    const item = ctx.pick(items);
    await user.authed(ctx, 'POST', ROUTES.views, (t) => ctx.client.view(t, item.id));
  }),
  action('stream-start', 6, ROUTES.streams, async (ctx, w) => {
    const user = someUser(ctx, w);
    const item = await watchable(ctx, w, user);
    if (!item) return;
    if (user.streams.length >= STREAMS_PER_USER) await stopOldestStream(ctx, user);
    const res = await user.authed(ctx, 'POST', ROUTES.streams, (t) => ctx.client.startStream(t, item.id));
    if (res?.status === 201) user.streams.push(res.body.streamId);
  }),
  action('stream-stop', 3, ROUTES.stream, async (ctx, w) => {
    const user = someUser(ctx, w);
    if (user.streams.length) await stopOldestStream(ctx, user);
  }),
  action('react', 5, ROUTES.reactions, async (ctx, w) => {
    const user = someUser(ctx, w);
    const item = await watchable(ctx, w, user);
    if (item)
      await user.authed(ctx, 'POST', ROUTES.reactions, (t) =>
        ctx.client.react(t, item.id, ctx.pick(REACTIONS)),
      );
  }),
  action('favorite', 5, ROUTES.favorite, async (ctx, w) => {
    const user = someUser(ctx, w);
    // Remove one now and then, add otherwise (removing only what was added: a real change).
    if (user.favorites.size && ctx.chance(0.4)) {
      const id = ctx.pick([...user.favorites]);
      const res = await user.authed(ctx, 'DELETE', ROUTES.favorite, (t) => ctx.client.removeFavorite(t, id));
      if (res?.status === 204) user.favorites.delete(id);
      return;
    }
    const item = await watchable(ctx, w, user);
    if (!item) return;
    const res = await user.authed(ctx, 'PUT', ROUTES.favorite, (t) => ctx.client.addFavorite(t, item.id));
    if (res?.status === 204) user.favorites.add(item.id);
  }),
  action('me', 4, ROUTES.me, async (ctx, w) => {
    const user = someUser(ctx, w);
    const res = await user.authed(ctx, 'GET', ROUTES.me, (t) => ctx.client.me(t));
    if (res?.status === 200) user.premium = res.body.accessType === 'premium';
  }),
  action('refresh', 2, ROUTES.refresh, async (ctx, w) => {
    const user = someUser(ctx, w);
    if (user.tokens) await user.renew(ctx);
  }),
  action('logout', 1.5, ROUTES.logout, async (ctx, w) => {
    const user = someUser(ctx, w);
    if (!user.tokens) return;
    const res = await user.authed(ctx, 'POST', ROUTES.logout, (t) => ctx.client.logout(t));
    if (res) {
      user.tokens = undefined;
      // The session's streams end with it, as far as this client is concerned.
      user.streams.length = 0;
    }
  }),
  action('profile', 3, ROUTES.profiles, async (ctx, w) => {
    const user = someUser(ctx, w);
    if (user.profiles.length < PROFILES_PER_USER && (user.profiles.length === 0 || ctx.chance(0.3))) {
      const type = ctx.chance(0.3) ? 'kids' : 'adult';
      const res = await user.authed(ctx, 'POST', ROUTES.profiles, (t) =>
        ctx.client.createProfile(
          t,
          `${type === 'kids' ? 'Kids' : 'Profile'} ${user.profiles.length + 1}`,
          type,
        ),
      );
      if (res?.status === 201) user.profiles.push(res.body.id);
      return;
    }
    const id = ctx.pick(user.profiles);
    await user.authed(ctx, 'POST', ROUTES.profileSwitch, (t) => ctx.client.switchProfile(t, id));
  }),
  action('device', 1.5, ROUTES.devices, async (ctx, w) => {
    const user = someUser(ctx, w);
    // Mostly devices already known (200); a new one is a new_device risk event (201).
    const known = [...user.devices.entries()];
    const [name, type] =
      known.length && ctx.chance(0.6)
        ? ctx.pick(known)
        : [`device-${known.length + 1}`, ctx.pick(DEVICE_TYPES)];
    const res = await user.authed(ctx, 'POST', ROUTES.devices, (t) =>
      ctx.client.registerDevice(t, type, name),
    );
    if (res?.status === 201) user.devices.set(name, type);
  }),
  paymentAction(3, someUser, 0.03),
  subscribeAction(1.5, someUser, 0.1, (ctx) => (ctx.chance(0.7) ? 'monthly' : 'annual')),
  action('register', 1, ROUTES.register, async (ctx, w) => {
    if (w.users.length >= MAX_USERS_PER_WORKER) return;
    const user = newUser(ctx, w);
    w.users.push(user);
    await user.session(ctx);
  }),
  action('failed-login', 1, ROUTES.login, async (ctx, w) => {
    const user = someUser(ctx, w);
    // A typo in one's own password (kept well below the lockout), or an e-mail that does not exist.
    if (user.registered && user.failuresSinceSuccess < 2 && ctx.chance(0.6)) {
      user.failuresSinceSuccess += 1;
      await ctx.call('POST', ROUTES.login, () => ctx.client.login(user.email, `${user.password}-typo`));
      return;
    }
    await ctx.call('POST', ROUTES.login, () =>
      ctx.client.login(`nobody-${randomSecret()}@example.test`, randomSecret()),
    );
  }),
  action('unknown-route', 1, ROUTES.unmatched, async (ctx) => {
    const path = ctx.pick(UNKNOWN_PATHS);
    await ctx.call('GET', ROUTES.unmatched, () => ctx.client.request('GET', path));
  }),
];

async function stopOldestStream(ctx: RunContext, user: VirtualUser): Promise<void> {
  const streamId = user.streams.shift();
  if (streamId) await user.authed(ctx, 'DELETE', ROUTES.stream, (t) => ctx.client.stopStream(t, streamId));
}

/** Accounts the brute-force attacker targets: three per run, shared by every worker. */
const BRUTE_FORCE_TARGETS = 3;

function bruteForceTargets(ctx: RunContext, w: WorkerState): Promise<VirtualUser[]> {
  let targets = ctx.shared.get('brute-force-targets') as Promise<VirtualUser[]> | undefined;
  if (!targets) {
    targets = (async () => {
      const users = Array.from(
        { length: BRUTE_FORCE_TARGETS },
        (_, i) => new VirtualUser(`target-${w.runId}-${i + 1}@example.test`, 'web'),
      );
      // The victims exist (they registered themselves); the attacker never learns their passwords.
      for (const u of users) {
        const res = await ctx.call('POST', ROUTES.register, () =>
          ctx.client.register(u.email, u.password, u.source),
        );
        u.registered = res.status === 201 || res.status === 409;
      }
      return users;
    })();
    ctx.shared.set('brute-force-targets', targets);
  }
  return targets;
}

const BRUTE_FORCE: readonly Action[] = [
  action('guess-password', 8, ROUTES.login, async (ctx, w) => {
    const target = ctx.pick(await bruteForceTargets(ctx, w));
    // Random guesses: 401 invalid_credentials, then 429 account_locked once the account locks.
    await ctx.call('POST', ROUTES.login, () => ctx.client.login(target.email, randomSecret()));
  }),
  action('guess-account', 2, ROUTES.login, async (ctx) => {
    await ctx.call('POST', ROUTES.login, () =>
      ctx.client.login(`admin-${randomSecret()}@example.test`, randomSecret()),
    );
  }),
];

/** Buyers per worker in payment-failures: declines are spread over a few accounts. */
const BUYERS_PER_WORKER = 2;

function buyer(ctx: RunContext, w: WorkerState): VirtualUser {
  const buyers = w.users.filter((u) => u.email.startsWith('buyer-'));
  if (buyers.length < BUYERS_PER_WORKER) {
    const user = newUser(ctx, w, 'buyer');
    w.users.push(user);
    return user;
  }
  return ctx.pick(buyers);
}

const PAYMENT_FAILURES: readonly Action[] = [
  paymentAction(9, buyer, 0.5),
  subscribeAction(1, buyer, 0.5, () => 'monthly'),
];

/** `actions` with weights scaled so that they add up to `share`. */
function share(actions: readonly Action[], part: number): Action[] {
  const total = actions.reduce((s, a) => s + a.weight, 0);
  return actions.map((a) => ({ ...a, name: a.name, weight: (a.weight / total) * part }));
}

export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  normal: { name: 'normal', actions: NORMAL },
  'brute-force': { name: 'brute-force', actions: BRUTE_FORCE },
  'payment-failures': { name: 'payment-failures', actions: PAYMENT_FAILURES },
  all: {
    name: 'all',
    actions: [...share(NORMAL, 0.7), ...share(BRUTE_FORCE, 0.15), ...share(PAYMENT_FAILURES, 0.15)],
  },
};

export function isScenarioName(value: string): value is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(value);
}

/** A weighted choice among the actions whose first route is not backing off; undefined if none is. */
export function chooseAction(ctx: RunContext, actions: readonly Action[]): Action | undefined {
  const ready = actions.filter((a) => !ctx.coolingDown(a.route));
  const total = ready.reduce((s, a) => s + a.weight, 0);
  let r = ctx.random() * total;
  for (const a of ready) {
    r -= a.weight;
    if (r < 0) return a;
  }
  return ready.at(-1);
}
