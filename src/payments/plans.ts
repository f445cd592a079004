import type { PlanType } from './payment-vocabulary';

/** Subscription plans: price in the configured currency's major unit, and what it buys. */
export const PLANS: Readonly<Record<PlanType, { readonly priceCents: number; readonly interval: string }>> = {
  monthly: { priceCents: 999, interval: '30 days' },
  annual: { priceCents: 9999, interval: '365 days' },
};
