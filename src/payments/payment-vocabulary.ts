/** How a viewer pays, what a payment can end as, and the subscription plans on sale. */
export const PAYMENT_METHODS = ['card', 'mobile_money', 'paypal'] as const;
export const PAYMENT_STATUSES = ['success', 'failed'] as const;
export const PLAN_TYPES = ['monthly', 'annual'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type PlanType = (typeof PLAN_TYPES)[number];
