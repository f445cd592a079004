import { UNMATCHED_ROUTE } from '@infrastructure/metrics';
import { RouteTemplates } from '../../../src/infrastructure/telemetry/route-templates';

const route = (path: string, ...methods: string[]) => ({
  route: { path, methods: Object.fromEntries(methods.map((m) => [m, true])) },
});

describe('RouteTemplates', () => {
  const routes = new RouteTemplates({
    router: {
      stack: [
        {}, // a middleware layer: no route
        route('/api/v1/{*path}', '_all'), // Nest's body parser: a wildcard, not a template
        route('/api/v1/auth/login', 'post'),
        route('/api/v1/contents/:id', 'get'),
        route('/api/v1/contents/:id/favorite', 'put', 'delete'),
      ],
    },
  });

  it('finds the template of a URL the router did not dispatch (e.g. a body the parser rejected)', () => {
    expect(routes.resolve('POST', '/api/v1/auth/login')).toBe('/api/v1/auth/login');
    expect(routes.resolve('GET', '/api/v1/contents/42?lang=fr')).toBe('/api/v1/contents/:id');
    expect(routes.resolve('DELETE', '/api/v1/contents/7/favorite')).toBe('/api/v1/contents/:id/favorite');
  });

  it("keeps Express's own route path only when it is a route template", () => {
    expect(routes.templateOf('GET', '/api/v1/contents/9', '/api/v1/contents/:id')).toBe(
      '/api/v1/contents/:id',
    );
    expect(routes.templateOf('POST', '/api/v1/auth/login', '/api/v1/{*path}')).toBe('/api/v1/auth/login');
    expect(routes.templateOf('POST', '/api/v1/nope', '/api/v1/{*path}')).toBe(UNMATCHED_ROUTE);
  });

  it('gives every other URL, or a known URL with another method, one shared value', () => {
    expect(routes.resolve('GET', '/wp-admin/../../etc/passwd')).toBe(UNMATCHED_ROUTE);
    expect(routes.resolve('GET', '/api/v1/auth/login')).toBe(UNMATCHED_ROUTE);
    expect(routes.resolve('POST', '/api/v1/contents/1/2/3')).toBe(UNMATCHED_ROUTE);
  });
});
