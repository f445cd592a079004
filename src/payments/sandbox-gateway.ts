import { randomUUID } from 'node:crypto';
import type { ChargeRequest, ChargeResult, PaymentGateway } from './payment-gateway';

/** The sandbox's documented test cards. */
export const SANDBOX_CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
} as const;

/**
 * The development and test gateway. Cards: 4242424242424242 is approved, 4000000000000002 is
 * declined (card_declined), any other number is declined as not a sandbox test card. Mobile money
 * and PayPal are approved. Nothing leaves the process.
 */
export class SandboxPaymentGateway implements PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeResult> {
    return Promise.resolve(sandboxDecision(request));
  }
}

function sandboxDecision(request: ChargeRequest): ChargeResult {
  if (!Number.isInteger(request.amountCents) || request.amountCents <= 0) {
    return { approved: false, reason: 'invalid_amount' };
  }
  if (request.method === 'card') {
    const number = request.cardNumber?.replace(/[\s-]/g, '');
    if (number === SANDBOX_CARDS.approved) return approved();
    if (number === SANDBOX_CARDS.declined) return { approved: false, reason: 'card_declined' };
    return { approved: false, reason: 'unknown_test_card' };
  }
  return approved();
}

const approved = (): ChargeResult => ({ approved: true, transactionId: `sandbox_${randomUUID()}` });
