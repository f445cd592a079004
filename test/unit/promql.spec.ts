import { metricFamilyCandidates, parsePromQL } from '../support/promql';

describe('parsePromQL', () => {
  it('lists the metrics an expression selects', () => {
    const parsed = parsePromQL(
      'sum(rate(mytelevision_http_requests_total{status_code=~"5.."}[5m])) / sum(rate(mytelevision_http_requests_total[5m])) > 0.05 and on() up{job="mytelevision-api"} == 1',
    );
    expect(parsed.errors).toEqual([]);
    expect([...parsed.metricNames].sort()).toEqual(['mytelevision_http_requests_total', 'up']);
  });

  it('reports a syntax error', () => {
    expect(parsePromQL('sum(rate(x[5m])').errors.length).toBeGreaterThan(0);
  });

  it('maps histogram series to their family', () => {
    expect(metricFamilyCandidates('a_bucket')).toEqual(['a_bucket', 'a']);
    expect(metricFamilyCandidates('up')).toEqual(['up']);
  });
});
