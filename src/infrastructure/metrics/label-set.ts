import type { Attributes } from '@opentelemetry/api';
import { OTHER, type MetricDefinition } from './catalog';

/**
 * The closed label sets of one catalogue metric, with one frozen attributes object per combination
 * built once at start. Recording looks an object up instead of allocating one, and a value outside
 * its set resolves to `other` instead of reaching the exposition as given.
 */
export class ClosedLabelSet {
  readonly labelNames: readonly string[];
  private readonly allowed: readonly ReadonlySet<string>[];
  private readonly byKey = new Map<string, Attributes>();

  constructor(readonly metric: MetricDefinition) {
    this.labelNames = Object.keys(metric.labels);
    this.allowed = this.labelNames.map((label) => {
      const values = metric.labels[label];
      if (!Array.isArray(values)) {
        throw new Error(`${metric.name}: label ${label} is not a closed set`);
      }
      return new Set<string>(values as readonly string[]);
    });
    for (const combination of this.combinations()) this.intern(combination);
  }

  /** Every combination of declared values: the series that exist from the start at 0. */
  combinations(): string[][] {
    return this.labelNames.reduce<string[][]>(
      (acc, _label, i) => acc.flatMap((prefix) => [...this.allowed[i]].map((v) => [...prefix, v])),
      [[]],
    );
  }

  /** The interned attributes for `values`; `rejected` receives each value mapped to `other`. */
  resolve(values: readonly unknown[], rejected?: (label: string, value: unknown) => void): Attributes {
    let key = '';
    for (let i = 0; i < this.allowed.length; i++) {
      const value = values[i];
      let v: string;
      if (typeof value === 'string' && this.allowed[i].has(value)) {
        v = value;
      } else {
        v = OTHER;
        rejected?.(this.labelNames[i], value);
      }
      key = i === 0 ? v : `${key}\u0000${v}`;
    }
    return this.byKey.get(key) ?? this.intern(key.split('\u0000'));
  }

  private intern(values: readonly string[]): Attributes {
    const attributes: Attributes = {};
    this.labelNames.forEach((label, i) => (attributes[label] = values[i]));
    Object.freeze(attributes);
    this.byKey.set(values.join('\u0000'), attributes);
    return attributes;
  }
}
