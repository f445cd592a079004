import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readNotifications } from '../../scripts/stack/notification-sinks.ts';

/**
 * What the native stack's mail catcher and Slack receiver got, read as deliveries: which receiver
 * (from the rendered alertmanager.yml: each receiver's e-mail address and Slack channel), which
 * channel, firing or resolved, which alert group (the subject/title template prints
 * `[FIRING:n] <alertname> (<severity>)`; alertname is empty when a group mixes alert names).
 * The webhook sink also receives Alertmanager's own webhook JSON (the Watchdog's heartbeat): those
 * are `webhook` deliveries, named by the payload's receiver and group.
 */

export interface Delivery {
  readonly channel: 'email' | 'slack' | 'webhook';
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alertname: string;
  readonly receivedAt: number;
  readonly title: string;
}

interface RenderedConfig {
  receivers: { name: string; email_configs?: { to: string }[]; slack_configs?: { channel: string }[] }[];
}

function receiverIndex(alertmanagerConfig: string) {
  const config = parse(readFileSync(alertmanagerConfig, 'utf8')) as RenderedConfig;
  const byEmail = new Map<string, string>();
  const byChannel = new Map<string, string>();
  for (const r of config.receivers) {
    for (const e of r.email_configs ?? []) for (const to of e.to.split(',')) byEmail.set(to.trim(), r.name);
    for (const s of r.slack_configs ?? []) byChannel.set(s.channel, r.name);
  }
  return { byEmail, byChannel };
}

const TITLE = /^\[(FIRING|RESOLVED)(?::\d+)?\] (\S*) /;

function parseTitle(title: string): { status: 'firing' | 'resolved'; alertname: string } {
  const m = TITLE.exec(title);
  if (!m) throw new Error(`notification title not in the template's format: ${JSON.stringify(title)}`);
  return { status: m[1] === 'FIRING' ? 'firing' : 'resolved', alertname: m[2] };
}

export async function readDeliveries(dataDir: string): Promise<Delivery[]> {
  const { byEmail, byChannel } = receiverIndex(join(dataDir, 'alertmanager', 'config', 'alertmanager.yml'));
  const { emails, slack } = await readNotifications(join(dataDir, 'notifications'));
  const out: Delivery[] = [];
  for (const e of emails) {
    for (const to of e.envelope.to) {
      out.push({
        channel: 'email',
        receiver: byEmail.get(to) ?? `unknown:${to}`,
        ...parseTitle(e.subject),
        receivedAt: Date.parse(e.receivedAt),
        title: e.subject,
      });
    }
  }
  for (const s of slack) {
    const webhook = s.payload as {
      receiver?: string;
      status?: string;
      groupLabels?: Record<string, string>;
      alerts?: unknown[];
    };
    if (webhook.receiver !== undefined && Array.isArray(webhook.alerts)) {
      out.push({
        channel: 'webhook',
        receiver: webhook.receiver,
        status: webhook.status === 'resolved' ? 'resolved' : 'firing',
        alertname: webhook.groupLabels?.alertname ?? '',
        receivedAt: Date.parse(s.receivedAt),
        title: s.path,
      });
      continue;
    }
    const payload = s.payload as { channel?: string; attachments?: { title?: string }[] };
    const title = payload.attachments?.[0]?.title ?? '';
    out.push({
      channel: 'slack',
      receiver: byChannel.get(payload.channel ?? '') ?? `unknown:${payload.channel}`,
      ...parseTitle(title),
      receivedAt: Date.parse(s.receivedAt),
      title,
    });
  }
  return out.sort((a, b) => a.receivedAt - b.receivedAt);
}
