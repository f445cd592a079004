import { parseMatcher, receiversFor, type RouteConfig } from '../../../scripts/docs/alert-routing.ts';

/** The routing walk of docs/alerts.md on small trees (test/config/alert-routes.spec.ts compares it with amtool). */
describe('alert routing walk', () => {
  const tree: RouteConfig = {
    receiver: 'default',
    routes: [
      { receiver: 'critical', matchers: ['severity="critical"'], continue: true },
      { receiver: 'database', matchers: ['team="database"'] },
      { receiver: 'warning', matchers: ['severity=~"warn.*"'] },
      {
        matchers: ['severity="nested"'],
        routes: [{ receiver: 'nested-child', matchers: ['team!="none"', 'zone!~"eu-.*"'] }],
      },
    ],
  };

  it('reads quoted and bare matchers', () => {
    expect(parseMatcher('severity="critical"')).toEqual({ name: 'severity', op: '=', value: 'critical' });
    expect(parseMatcher('symptom=~".+"')).toEqual({ name: 'symptom', op: '=~', value: '.+' });
    expect(parseMatcher('team != database')).toEqual({ name: 'team', op: '!=', value: 'database' });
    expect(() => parseMatcher('no operator')).toThrow(/cannot read/);
  });

  it('continues after a matching route with continue, and stops at the first other match', () => {
    expect(receiversFor(tree, { severity: 'critical', team: 'database' })).toEqual(['critical', 'database']);
    expect(receiversFor(tree, { severity: 'warning', team: 'database' })).toEqual(['database']);
  });

  it('anchors regular expressions and treats a missing label as empty', () => {
    expect(receiversFor(tree, { severity: 'warning' })).toEqual(['warning']);
    expect(receiversFor(tree, { severity: 'prewarning' })).toEqual(['default']);
    expect(receiversFor(tree, { severity: 'nested' })).toEqual(['nested-child']);
    expect(receiversFor(tree, { severity: 'nested', zone: 'eu-west' })).toEqual(['default']);
  });

  it('falls back to the receiver of the deepest matching route, inherited from its parent', () => {
    expect(receiversFor(tree, { severity: 'nested', team: 'none' })).toEqual(['default']);
    expect(receiversFor(tree, {})).toEqual(['default']);
  });
});
