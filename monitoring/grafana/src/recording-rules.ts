/**
 * Recording rules of monitoring/prometheus/rules/recording.yml and slo.yml that the dashboards read instead of
 * recomputing the expression at every refresh. The dashboard test checks each name is a known metric
 * (test/support/known-metrics.ts reads the recording rules), so a renamed rule fails there.
 */
export const RECORDED = {
  httpRequestRate: 'job:mytelevision_http_requests:rate5m',
  httpRequestRateByPath: 'job_path:mytelevision_http_requests:rate5m',
  httpRequestRateByStatus: 'job_status_code:mytelevision_http_requests:rate5m',
  http5xxRate: 'job:mytelevision_http_requests_5xx:rate5m',
  httpP50: 'job:mytelevision_http_request_duration_seconds:p50_rate5m',
  httpP95: 'job:mytelevision_http_request_duration_seconds:p95_rate5m',
  httpP99: 'job:mytelevision_http_request_duration_seconds:p99_rate5m',
  httpP95ByPath: 'job_path:mytelevision_http_request_duration_seconds:p95_rate5m',
  failedLoginRate2m: 'job:mytelevision_auth_failed_login:rate2m',
  failedLoginRateByReason: 'job_reason:mytelevision_auth_failed_login:rate5m',
  loginRateByProviderStatus: 'job_provider_status:mytelevision_auth_login:rate5m',
  tokenExpiredIncrease5m: 'job:mytelevision_auth_token_expired:increase5m',
  paymentRate: 'job:mytelevision_payment_transactions:rate5m',
  paymentRateByStatusMethod: 'job_status_payment_method:mytelevision_payment_transactions:rate5m',
  paymentFailureRatio: 'job:mytelevision_payment_failures:ratio_rate5m',
  nodeCpuUsage: 'instance:node_cpu_usage:ratio_rate5m',
  nodeMemoryUsage: 'instance:node_memory_usage:ratio',
  nodeFilesystemUsage: 'instance_mountpoint:node_filesystem_usage:ratio',
  pgConnectionsUsage: 'instance:pg_connections_usage:ratio',
  sloAvailabilityBudgetLeft: 'job:slo_availability_error_budget:remaining30d',
  sloLatencyBudgetLeft: 'job:slo_latency_error_budget:remaining30d',
  sloAvailabilityErrors30d: 'job:slo_availability_errors:ratio_rate30d',
  sloLatencyErrors30d: 'job:slo_latency_errors:ratio_rate30d',
} as const;

/** The SLOs' error-ratio recording rule of one window, e.g. job:slo_availability_errors:ratio_rate1h. */
export const sloErrorRatio = (slo: 'availability' | 'latency', window: string) =>
  `job:slo_${slo}_errors:ratio_rate${window}`;
