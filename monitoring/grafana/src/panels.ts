/**
 * Panel specifications and how they become foundation-SDK panels. A dashboard is written as rows of
 * `PanelSpec`s; `layout.ts` gives them ids and grid positions, and `toPanelBuilder` turns each into a
 * typed SDK builder. Every panel and every target carries its datasource reference (by uid).
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCES, type DataSourceRef } from './datasources.ts';
import { PROMETHEUS_DATASOURCE, withScope } from './variables.ts';

/** A PromQL query. `legend` uses Grafana's `{{label}}` syntax. */
export interface PromQuery {
  readonly expr: string;
  readonly legend?: string;
}

/** A raw SQL query against the PostgreSQL datasource (returns a table). */
export interface SqlQuery {
  readonly sql: string;
}

/** A command of the Redis datasource plugin (e.g. INFO of one section). */
export interface RedisQuery {
  readonly command: 'info';
  readonly section: string;
}

interface BaseSpec {
  readonly title: string;
  readonly description: string;
  /** Width in grid columns (the grid has 24). */
  readonly w: number;
  /** Height in grid rows; defaults to 8 for graphs and 4 for stats. */
  readonly h?: number;
  /** Grafana unit id, e.g. `reqps`, `s`, `percentunit`, `bytes`. */
  readonly unit?: string;
}

export type PanelSpec =
  | (BaseSpec & {
      readonly kind: 'timeseries';
      readonly queries: readonly PromQuery[];
      readonly stacked?: boolean;
    })
  | (BaseSpec & {
      readonly kind: 'stat';
      readonly queries: readonly PromQuery[];
      /** Value at which the stat turns red (and amber at `warn`), when higher is worse. */
      readonly thresholds?: { readonly warn: number; readonly critical: number };
    })
  | (BaseSpec & { readonly kind: 'sql-table'; readonly query: SqlQuery })
  | (BaseSpec & { readonly kind: 'redis-table'; readonly query: RedisQuery });

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

export function defaultHeight(spec: PanelSpec): number {
  return spec.h ?? (spec.kind === 'stat' ? 4 : 8);
}

const refId = (i: number): string => String.fromCharCode('A'.charCodeAt(0) + i);

function promTargets(queries: readonly PromQuery[]): cog.Builder<cog.Dataquery>[] {
  return queries.map((q, i) => {
    const b = new prometheus.DataqueryBuilder()
      .datasource(PROMETHEUS_DATASOURCE)
      .expr(withScope(q.expr))
      .refId(refId(i))
      .range();
    return q.legend ? b.legendFormat(q.legend) : b;
  });
}

/** A datasource query the SDK has no builder for: the object is emitted as given. */
function rawTarget(datasource: DataSourceRef, fields: Record<string, unknown>): cog.Builder<cog.Dataquery> {
  return {
    build: () => ({ refId: 'A', datasource: { ...datasource }, ...fields }) as unknown as cog.Dataquery,
  };
}

function thresholdSteps(t?: { warn: number; critical: number }): dashboard.ThresholdsConfigBuilder {
  const steps: dashboard.Threshold[] = [{ value: null, color: 'green' }];
  if (t) steps.push({ value: t.warn, color: 'orange' }, { value: t.critical, color: 'red' });
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

/** The SDK builder of one panel at a given id and position. */
export function toPanelBuilder(
  spec: PanelSpec,
  id: number,
  gridPos: dashboard.GridPos,
): cog.Builder<dashboard.Panel> {
  switch (spec.kind) {
    case 'timeseries': {
      const b = new timeseries.PanelBuilder()
        .id(id)
        .title(spec.title)
        .description(spec.description)
        .datasource(PROMETHEUS_DATASOURCE)
        .gridPos(gridPos)
        .targets(promTargets(spec.queries))
        .unit(spec.unit ?? 'short')
        .fillOpacity(spec.stacked ? 30 : 10)
        .legend(
          new common.VizLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(common.LegendDisplayMode.List)
            .placement(common.LegendPlacement.Bottom),
        )
        .tooltip(
          new common.VizTooltipOptionsBuilder()
            .mode(common.TooltipDisplayMode.Multi)
            .sort(common.SortOrder.Descending),
        );
      return spec.stacked
        ? b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
        : b;
    }
    case 'stat':
      return new stat.PanelBuilder()
        .id(id)
        .title(spec.title)
        .description(spec.description)
        .datasource(PROMETHEUS_DATASOURCE)
        .gridPos(gridPos)
        .targets(promTargets(spec.queries))
        .unit(spec.unit ?? 'short')
        .graphMode(common.BigValueGraphMode.Area)
        .colorMode(common.BigValueColorMode.Value)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .thresholds(thresholdSteps(spec.thresholds));
    case 'sql-table':
      return new table.PanelBuilder()
        .id(id)
        .title(spec.title)
        .description(spec.description)
        .datasource(DATASOURCES.postgres)
        .gridPos(gridPos)
        .withTarget(
          rawTarget(DATASOURCES.postgres, {
            format: 'table',
            rawQuery: true,
            editorMode: 'code',
            rawSql: spec.query.sql,
          }),
        );
    case 'redis-table':
      return new table.PanelBuilder()
        .id(id)
        .title(spec.title)
        .description(spec.description)
        .datasource(DATASOURCES.redis)
        .gridPos(gridPos)
        .withTarget(
          rawTarget(DATASOURCES.redis, {
            type: 'command',
            command: spec.query.command,
            section: spec.query.section,
            query: '',
          }),
        );
  }
}
