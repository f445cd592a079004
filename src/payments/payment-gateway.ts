import type { PaymentMethod } from './payment-vocabulary';

/** One charge, in minor units (cents) so that no float rounding reaches the gateway. */
export interface ChargeRequest {
  readonly amountCents: number;
  readonly currency: string;
  readonly method: PaymentMethod;
  /** Card number, for method `card`. */
  readonly cardNumber?: string;
  /** For the gateway's idempotency and its logs; never a metric label. */
  readonly reference: string;
}

export type ChargeResult =
  | { readonly approved: true; readonly transactionId: string }
  | { readonly approved: false; readonly reason: string };

/** Where money is taken; PAYMENT_GATEWAY selects the implementation (payments.module.ts). */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeResult>;
}

export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');
