/**
 * Which Alertmanager receivers an alert reaches, by walking the routing tree as data with
 * Alertmanager's rules: a route matches when all its matchers do (a missing label is the empty
 * string); the first matching child wins unless it has `continue: true`, in which case later
 * siblings are tried too; a route none of whose children match notifies its own receiver, inherited
 * from its parent when it names none. test/config/alert-routes.spec.ts checks this walk against
 * `amtool config routes test` for every alert.
 */

export interface RouteConfig {
  readonly receiver?: string;
  readonly matchers?: readonly string[];
  /** Older Alertmanager syntax, still accepted: label -> exact value / label -> regex. */
  readonly match?: Readonly<Record<string, string>>;
  readonly match_re?: Readonly<Record<string, string>>;
  readonly continue?: boolean;
  readonly routes?: readonly RouteConfig[];
  /** Timings, inherited by child routes; not used for matching. */
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
}

export type Labels = Readonly<Record<string, string>>;

interface Matcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** One matcher string: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"` (quotes optional). */
export function parseMatcher(text: string): Matcher {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/.exec(text);
  if (!m) throw new Error(`cannot read the matcher ${JSON.stringify(text)}`);
  const raw = m[3];
  const value = raw.startsWith('"') && raw.endsWith('"') ? (JSON.parse(raw) as string) : raw;
  return { name: m[1], op: m[2] as Matcher['op'], value };
}

function matches(matcher: Matcher, labels: Labels): boolean {
  const actual = labels[matcher.name] ?? '';
  switch (matcher.op) {
    case '=':
      return actual === matcher.value;
    case '!=':
      return actual !== matcher.value;
    case '=~':
      return new RegExp(`^(?:${matcher.value})$`).test(actual);
    case '!~':
      return !new RegExp(`^(?:${matcher.value})$`).test(actual);
  }
}

function matchersOf(route: RouteConfig): Matcher[] {
  return [
    ...(route.matchers ?? []).map(parseMatcher),
    ...Object.entries(route.match ?? {}).map(([name, value]) => ({ name, op: '=' as const, value })),
    ...Object.entries(route.match_re ?? {}).map(([name, value]) => ({ name, op: '=~' as const, value })),
  ];
}

/** Receivers notified for an alert with these labels, in routing order, each once. */
export function receiversFor(root: RouteConfig, labels: Labels): string[] {
  const walk = (route: RouteConfig, inherited: string | undefined): string[] => {
    const receiver = route.receiver ?? inherited;
    const found: string[] = [];
    for (const child of route.routes ?? []) {
      if (!matchersOf(child).every((m) => matches(m, labels))) continue;
      found.push(...walk(child, receiver));
      if (!child.continue) break;
    }
    if (found.length > 0) return found;
    if (receiver === undefined) throw new Error('a route without a receiver and no parent receiver');
    return [receiver];
  };
  return [...new Set(walk(root, undefined))];
}
