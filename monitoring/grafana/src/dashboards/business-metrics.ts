/**
 * Business Metrics (uid business-metrics): registrations, active and premium users, views, streams,
 * reactions, favourites, payments and revenue, subscriptions, profiles and devices.
 */
import type { DashboardSpec } from '../layout.ts';
import { increase, m, rate } from '../metrics.ts';
import { RECORDED as R } from '../recording-rules.ts';

export const businessMetrics: DashboardSpec = {
  uid: 'business-metrics',
  title: 'Business Metrics',
  description: 'Users, engagement, payments and subscriptions of the MyTelevision platform.',
  tags: ['mytelevision', 'business'],
  rows: [
    {
      title: 'Users',
      panels: [
        {
          kind: 'stat',
          title: 'Premium subscribers',
          description: 'Users with an active premium subscription (from the database).',
          w: 6,
          queries: [{ expr: `max(${m.premiumSubscribers})` }],
        },
        {
          kind: 'stat',
          title: 'Active users',
          description: 'Users with an open session, free and premium.',
          w: 6,
          queries: [{ expr: `sum(max by (access_type) (${m.activeUsers}))` }],
        },
        {
          kind: 'stat',
          title: 'Registrations (24h)',
          description: 'Accounts created in the last 24 hours.',
          w: 6,
          queries: [{ expr: `sum(${increase(m.registrations, '24h')})` }],
        },
        {
          kind: 'stat',
          title: 'Revenue (24h)',
          description: 'Successful payment amounts in the last 24 hours, in the configured currency.',
          w: 6,
          unit: 'none',
          queries: [{ expr: `sum(${increase(`${m.paymentAmount}{status="success"}`, '24h')})` }],
        },
        {
          kind: 'timeseries',
          title: 'Active users by access type',
          description: 'Users with an open session, by free / premium.',
          w: 12,
          queries: [{ expr: `max by (access_type) (${m.activeUsers})`, legend: '{{access_type}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Registrations by source',
          description: 'Accounts created per hour, by sign-up source.',
          w: 12,
          stacked: true,
          queries: [{ expr: `sum by (source) (${increase(m.registrations, '1h')})`, legend: '{{source}}' }],
        },
      ],
    },
    {
      title: 'Engagement',
      panels: [
        {
          kind: 'timeseries',
          title: 'Content views',
          description: 'Views per second by content type and access type.',
          w: 12,
          unit: 'ops',
          queries: [
            {
              expr: `sum by (content_type, access_type) (${rate(m.contentViews)})`,
              legend: '{{content_type}} {{access_type}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Active streams',
          description: 'Streams open now, by content type (sum of all instances).',
          w: 12,
          stacked: true,
          queries: [{ expr: `sum by (content_type) (${m.activeStreams})`, legend: '{{content_type}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Reactions',
          description: 'Reactions per second by reaction type and content type.',
          w: 12,
          unit: 'ops',
          queries: [
            {
              expr: `sum by (reaction_type, content_type) (${rate(m.reactions)})`,
              legend: '{{reaction_type}} {{content_type}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Favourites added and removed',
          description: 'Favourites added and removed per second, by content type.',
          w: 12,
          unit: 'ops',
          queries: [
            { expr: `sum by (content_type) (${rate(m.favoritesAdded)})`, legend: 'added {{content_type}}' },
            {
              expr: `sum by (content_type) (${rate(m.favoritesRemoved)})`,
              legend: 'removed {{content_type}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Payments and subscriptions',
      panels: [
        {
          kind: 'timeseries',
          title: 'Payment transactions',
          description: 'Transactions per second by outcome and payment method.',
          w: 8,
          unit: 'ops',
          queries: [
            {
              expr: `sum by (status, payment_method) (${R.paymentRateByStatusMethod})`,
              legend: '{{status}} {{payment_method}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Payment failure ratio',
          description: 'Share of failed payments; PaymentFailuresHigh fires above 5%.',
          w: 8,
          unit: 'percentunit',
          queries: [
            {
              expr: `max(${R.paymentFailureRatio})`,
              legend: 'failed',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Revenue per hour',
          description: 'Payment amounts per hour by outcome, in the configured currency.',
          w: 8,
          unit: 'none',
          queries: [{ expr: `sum by (status) (${increase(m.paymentAmount, '1h')})`, legend: '{{status}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Subscriptions created',
          description: 'Premium subscriptions created per hour, by plan.',
          w: 12,
          stacked: true,
          queries: [
            {
              expr: `sum by (plan_type) (${increase(m.subscriptionCreated, '1h')})`,
              legend: '{{plan_type}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Premium subscribers',
          description: 'Users with an active premium subscription.',
          w: 12,
          queries: [{ expr: `max(${m.premiumSubscribers})`, legend: 'premium' }],
        },
      ],
    },
    {
      title: 'Profiles and devices',
      panels: [
        {
          kind: 'timeseries',
          title: 'Profiles created',
          description: 'Viewer profiles created per second, by profile type.',
          w: 8,
          unit: 'ops',
          queries: [
            { expr: `sum by (profile_type) (${rate(m.profilesCreated)})`, legend: '{{profile_type}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Profile switches',
          description: 'Switches of the active viewer profile per second.',
          w: 8,
          unit: 'ops',
          queries: [{ expr: `sum(${rate(m.profileSwitches)})`, legend: 'switches' }],
        },
        {
          kind: 'timeseries',
          title: 'Device registrations',
          description: 'Devices registered per second, by device type.',
          w: 8,
          unit: 'ops',
          queries: [
            { expr: `sum by (device_type) (${rate(m.deviceRegistrations)})`, legend: '{{device_type}}' },
          ],
        },
      ],
    },
  ],
};
