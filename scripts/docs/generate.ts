/**
 * The generated documents: docs/metrics.md from the metric catalogue, docs/alerts.md from the
 * alerting rules and the Alertmanager routing tree, each formatted by prettier as the repository is.
 */
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { renderAlertsDoc } from './alerts-doc.ts';
import { renderMetricsDoc } from './metrics-doc.ts';
import { readAlertRules, renderedAlertmanagerConfig } from './sources.ts';

/** Repository path (e.g. docs/metrics.md) -> content. */
export async function generatedDocs(root: string): Promise<Map<string, string>> {
  const raw = new Map<string, string>([
    ['docs/metrics.md', renderMetricsDoc()],
    ['docs/alerts.md', renderAlertsDoc(readAlertRules(root), renderedAlertmanagerConfig(root))],
  ]);
  const docs = new Map<string, string>();
  for (const [path, text] of raw) {
    const filepath = join(root, path);
    const options = (await resolveConfig(filepath)) ?? {};
    docs.set(path, await format(text, { ...options, filepath }));
  }
  return docs;
}
