/**
 * Places rows of panels on Grafana's 24-column grid: a full-width row header, then the row's panels
 * left to right, wrapping to a new line when the next panel would cross column 24. Ids are assigned in
 * order from 1, so the generated JSON is stable.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { defaultHeight, toPanelBuilder, type RowSpec } from './panels.ts';
import { scopeVariables } from './variables.ts';

export const GRID_COLUMNS = 24;

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly rows: readonly RowSpec[];
}

export function buildDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags])
    .editable()
    .timezone('browser')
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(
      new dashboard.DashboardLinkBuilder('MyTelevision')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['mytelevision'])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true),
    );
  for (const variable of scopeVariables()) builder.withVariable(variable);

  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    builder.withRow(new dashboard.RowBuilder(row.title).id(id++).gridPos({ x: 0, y, w: GRID_COLUMNS, h: 1 }));
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const panel of row.panels) {
      if (panel.w < 1 || panel.w > GRID_COLUMNS)
        throw new Error(`${spec.uid}/${panel.title}: width ${panel.w}`);
      if (x + panel.w > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      const h = defaultHeight(panel);
      builder.withPanel(toPanelBuilder(panel, id++, { x, y, w: panel.w, h }));
      x += panel.w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return builder.build();
}
