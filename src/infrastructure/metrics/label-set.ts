import type { Attributes } from '@opentelemetry/api';
import { OTHER, type MetricDefinition } from './catalog';

/**
 * The closed label sets of one catalogue metric, numbered: each combination of values (including
 * `other` for each label) has an index and one frozen attributes object, built once at start.
 * Recording computes the index from per-label lookups, so it allocates nothing, and a value outside
 * its set resolves to `other` instead of reaching the exposition as given.
 */
export class ClosedLabelSet {
  readonly labelNames: readonly string[];
  /** Number of combinations, `other` included. */
  readonly size: number;
  private readonly indexByValue: ReadonlyArray<ReadonlyMap<string, number>>;
  private readonly otherIndex: readonly number[];
  private readonly strides: readonly number[];
  private readonly attributes: readonly Attributes[];
  private readonly declared: readonly number[];

  constructor(readonly metric: MetricDefinition) {
    this.labelNames = Object.keys(metric.labels);
    const valuesPerLabel = this.labelNames.map((label) => {
      const values = metric.labels[label];
      if (typeof values === 'string') throw new Error(`${metric.name}: label ${label} is not a closed set`);
      return values.includes(OTHER) ? [...values] : [...values, OTHER];
    });
    this.indexByValue = valuesPerLabel.map((values) => new Map(values.map((v, i) => [v, i])));
    this.otherIndex = valuesPerLabel.map((values) => values.indexOf(OTHER));
    const strides: number[] = [];
    let size = 1;
    for (let i = valuesPerLabel.length - 1; i >= 0; i--) {
      strides[i] = size;
      size *= valuesPerLabel[i].length;
    }
    this.strides = strides;
    this.size = size;

    const attributes: Attributes[] = [];
    const declared: number[] = [];
    for (let index = 0; index < size; index++) {
      const a: Attributes = {};
      let isDeclared = true;
      this.labelNames.forEach((label, i) => {
        const valueIndex = Math.floor(index / strides[i]) % valuesPerLabel[i].length;
        const value = valuesPerLabel[i][valueIndex];
        a[label] = value;
        if (value === OTHER && !(metric.labels[label] as readonly string[]).includes(OTHER))
          isDeclared = false;
      });
      attributes.push(Object.freeze(a));
      if (isDeclared) declared.push(index);
    }
    this.attributes = attributes;
    this.declared = declared;
  }

  /** Index of the combination `values`; `rejected` receives each value mapped to `other`. */
  indexOf(values: readonly unknown[], rejected?: (label: string, value: unknown) => void): number {
    let index = 0;
    for (let i = 0; i < this.strides.length; i++) {
      const value = values[i];
      let v = typeof value === 'string' ? this.indexByValue[i].get(value) : undefined;
      if (v === undefined) {
        v = this.otherIndex[i];
        rejected?.(this.labelNames[i], value);
      }
      index += v * this.strides[i];
    }
    return index;
  }

  /** indexOf for a one-label set without allocation; -1 when the value is outside the set. */
  indexOf1(a: unknown): number {
    if (typeof a !== 'string') return -1;
    return this.indexByValue[0].get(a) ?? -1;
  }

  /** indexOf for a two-label set without allocation; -1 when a value is outside its set. */
  indexOf2(a: unknown, b: unknown): number {
    if (typeof a !== 'string' || typeof b !== 'string') return -1;
    const i = this.indexByValue[0].get(a);
    const j = this.indexByValue[1].get(b);
    return i === undefined || j === undefined ? -1 : i * this.strides[0] + j;
  }

  attributesAt(index: number): Attributes {
    return this.attributes[index];
  }

  /** The interned attributes for `values` (outside values as `other`). */
  resolve(values: readonly unknown[], rejected?: (label: string, value: unknown) => void): Attributes {
    return this.attributes[this.indexOf(values, rejected)];
  }

  /** Combinations of declared values only: the series that exist from the start at 0. */
  declaredIndices(): readonly number[] {
    return this.declared;
  }
}
