import { match, type MatchFunction } from 'path-to-regexp';
import { UNMATCHED_ROUTE } from '../metrics/catalog';

interface ExpressLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
}
interface ExpressAppLike {
  router?: { stack?: ExpressLayer[] };
  _router?: { stack?: ExpressLayer[] };
}

/**
 * The route template of a request that Express did not route: a body rejected by the JSON parser
 * (400, 413) never reaches the router, so `req.route` is unset although the URL names a real route.
 * Matched against the app's registered routes (with Express's own path syntax); a URL no route
 * matches gets UNMATCHED_ROUTE, so random URLs cannot create series.
 */
export class RouteTemplates {
  private matchers:
    Array<{ template: string; methods: Record<string, boolean>; test: MatchFunction<object> }> | undefined;
  private templates: Set<string> | undefined;
  private readonly wildcardMounts = new Set<string>();

  constructor(private readonly app: ExpressAppLike) {}

  /**
   * The template of a request: Express's own `req.route.path` when it is one of the app's routes,
   * else the route its URL matches. A wildcard layer (Nest mounts its body parser on `/api/v1/{*path}`)
   * is not a route template.
   */
  templateOf(method: string, url: string, routePath: unknown): string {
    this.matchers ??= this.collect();
    if (typeof routePath === 'string' && this.templates!.has(routePath)) return routePath;
    return this.resolve(method, url);
  }

  /**
   * The templates of the app's handlers, without the bare paths that a wildcard layer is also
   * mounted on (Nest mounts its body parser on `/api/v1/{*path}` and on `/api/v1`).
   */
  handlerTemplates(): readonly string[] {
    this.matchers ??= this.collect();
    return [...this.templates!].filter((t) => !this.wildcardMounts.has(t));
  }

  resolve(method: string, url: string): string {
    // Routes are all registered by the time requests arrive; read them once, at the first miss.
    this.matchers ??= this.collect();
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    const m = method.toLowerCase();
    for (const route of this.matchers) {
      if ((route.methods[m] || route.methods._all) && route.test(pathname)) return route.template;
    }
    return UNMATCHED_ROUTE;
  }

  private collect() {
    const stack = this.app.router?.stack ?? this.app._router?.stack ?? [];
    const routes = [];
    for (const layer of stack) {
      const path = layer.route?.path;
      if (typeof path !== 'string') continue;
      if (path.includes('*')) {
        this.wildcardMounts.add(path.replace(/\/?\{?\/?\*.*$/, ''));
        continue;
      }
      try {
        routes.push({ template: path, methods: layer.route!.methods, test: match(path, { decode: false }) });
      } catch {
        // A path syntax path-to-regexp cannot compile is left out: its errors count as unmatched.
      }
    }
    this.templates = new Set(routes.map((r) => r.template));
    return routes;
  }
}
