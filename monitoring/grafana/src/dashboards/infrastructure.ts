/**
 * Infrastructure (uid infrastructure): host CPU, memory, disk and network (node-exporter), containers
 * (cAdvisor) and Redis (redis-exporter, plus the Redis datasource).
 */
import type { DashboardSpec } from '../layout.ts';
import { rate } from '../metrics.ts';
import { RECORDED as R } from '../recording-rules.ts';

/** cAdvisor also reports cgroups that are not containers (name=""): keep named containers only. */
const named = '{name!=""}';

export const infrastructure: DashboardSpec = {
  uid: 'infrastructure',
  title: 'Infrastructure',
  description: 'Host resources (node-exporter), containers (cAdvisor) and Redis (redis-exporter).',
  tags: ['mytelevision', 'infrastructure'],
  rows: [
    {
      title: 'Host',
      panels: [
        {
          kind: 'stat',
          title: 'CPU usage',
          description: 'Busy share of all CPUs (HighCPUUsage warns above 80%).',
          w: 6,
          unit: 'percentunit',
          thresholds: { warn: 0.7, critical: 0.8 },
          queries: [{ expr: `max(${R.nodeCpuUsage})` }],
        },
        {
          kind: 'stat',
          title: 'Memory usage',
          description: 'Memory not available to new work (HighMemoryUsage warns above 85%).',
          w: 6,
          unit: 'percentunit',
          thresholds: { warn: 0.75, critical: 0.85 },
          queries: [{ expr: `max(${R.nodeMemoryUsage})` }],
        },
        {
          kind: 'stat',
          title: 'Fullest filesystem',
          description: 'Used share of the fullest real filesystem (DiskSpaceCritical above 95%).',
          w: 6,
          unit: 'percentunit',
          thresholds: { warn: 0.85, critical: 0.95 },
          queries: [{ expr: `max(${R.nodeFilesystemUsage})` }],
        },
        {
          kind: 'stat',
          title: 'Load (1m)',
          description: 'One-minute load average of the host.',
          w: 6,
          queries: [{ expr: 'max(node_load1)' }],
        },
        {
          kind: 'timeseries',
          title: 'CPU by mode',
          description: 'CPU seconds per second by mode, all CPUs.',
          w: 12,
          unit: 'percentunit',
          stacked: true,
          queries: [
            {
              expr: `sum by (mode) (${rate('node_cpu_seconds_total{mode!="idle"}')}) / scalar(count(node_cpu_seconds_total{mode="idle"}))`,
              legend: '{{mode}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Memory',
          description: 'Total and available memory of each host.',
          w: 12,
          unit: 'bytes',
          queries: [
            { expr: 'sum by (instance) (node_memory_MemTotal_bytes)', legend: 'total {{instance}}' },
            { expr: 'sum by (instance) (node_memory_MemAvailable_bytes)', legend: 'available {{instance}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Disk usage by mount point',
          description: 'Used share of each real filesystem of each host.',
          w: 8,
          unit: 'percentunit',
          queries: [
            {
              expr: `max by (instance, mountpoint) (${R.nodeFilesystemUsage})`,
              legend: '{{instance}} {{mountpoint}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Disk I/O',
          description: 'Bytes read and written per second, all devices, per host.',
          w: 8,
          unit: 'Bps',
          queries: [
            {
              expr: `sum by (instance) (${rate('node_disk_read_bytes_total')})`,
              legend: 'read {{instance}}',
            },
            {
              expr: `sum by (instance) (${rate('node_disk_written_bytes_total')})`,
              legend: 'written {{instance}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Network',
          description: 'Bytes received and sent per second, physical interfaces, per host.',
          w: 8,
          unit: 'Bps',
          queries: [
            {
              expr: `sum by (instance) (${rate('node_network_receive_bytes_total{device!~"lo|veth.*|docker.*|br-.*"}')})`,
              legend: 'received {{instance}}',
            },
            {
              expr: `sum by (instance) (${rate('node_network_transmit_bytes_total{device!~"lo|veth.*|docker.*|br-.*"}')})`,
              legend: 'sent {{instance}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Containers',
      panels: [
        {
          kind: 'timeseries',
          title: 'Container CPU',
          description: 'CPU cores used per container.',
          w: 8,
          queries: [
            {
              expr: `sum by (name) (${rate(`container_cpu_usage_seconds_total${named}`)})`,
              legend: '{{name}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Container memory',
          description: 'Working-set memory per container.',
          w: 8,
          unit: 'bytes',
          queries: [
            { expr: `sum by (name) (container_memory_working_set_bytes${named})`, legend: '{{name}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Container network',
          description: 'Bytes received (+) and sent (-) per second per container.',
          w: 8,
          unit: 'Bps',
          queries: [
            {
              expr: `sum by (name) (${rate(`container_network_receive_bytes_total${named}`)})`,
              legend: 'rx {{name}}',
            },
            {
              expr: `-sum by (name) (${rate(`container_network_transmit_bytes_total${named}`)})`,
              legend: 'tx {{name}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Redis',
      panels: [
        {
          kind: 'stat',
          title: 'Redis up',
          description: 'redis_up: the exporter reached Redis (RedisDown fires at 0 for 2m).',
          w: 6,
          queries: [{ expr: 'min(redis_up)' }],
        },
        {
          kind: 'stat',
          title: 'Connected clients',
          description: 'Client connections to Redis.',
          w: 6,
          queries: [{ expr: 'sum(redis_connected_clients)' }],
        },
        {
          kind: 'stat',
          title: 'Keys',
          description: 'Keys in all Redis databases.',
          w: 6,
          queries: [{ expr: 'sum(redis_db_keys)' }],
        },
        {
          kind: 'stat',
          title: 'Keyspace hit ratio',
          description: 'Share of key lookups that found the key, over 5 minutes.',
          w: 6,
          unit: 'percentunit',
          queries: [
            {
              expr: `sum(${rate('redis_keyspace_hits_total')}) / (sum(${rate('redis_keyspace_hits_total')}) + sum(${rate('redis_keyspace_misses_total')}))`,
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Redis commands per second',
          description: 'Commands processed per second.',
          w: 8,
          unit: 'ops',
          queries: [{ expr: `sum(${rate('redis_commands_processed_total')})`, legend: 'commands' }],
        },
        {
          kind: 'timeseries',
          title: 'Redis memory',
          description: 'Memory used by Redis, and its maxmemory when set.',
          w: 8,
          unit: 'bytes',
          queries: [
            { expr: 'sum(redis_memory_used_bytes)', legend: 'used' },
            { expr: 'sum(redis_memory_max_bytes)', legend: 'max' },
          ],
        },
        {
          kind: 'redis-table',
          title: 'Redis INFO stats',
          description: 'Direct query on the Redis datasource: the INFO stats section.',
          w: 8,
          query: { command: 'info', section: 'stats' },
        },
      ],
    },
  ],
};
