import { expect } from '@jest/globals';
import { SANDBOX_CARDS, SandboxPaymentGateway } from '../../../src/payments/sandbox-gateway';

describe('SandboxPaymentGateway', () => {
  const gateway = new SandboxPaymentGateway();
  const charge = (over: Partial<Parameters<SandboxPaymentGateway['charge']>[0]>) =>
    gateway.charge({ amountCents: 999, currency: 'EUR', method: 'card', reference: 'r1', ...over });

  it('approves the documented approved card and declines the documented declined card', async () => {
    expect(SANDBOX_CARDS).toEqual({ approved: '4242424242424242', declined: '4000000000000002' });
    expect(await charge({ cardNumber: '4242 4242 4242 4242' })).toEqual({
      approved: true,
      transactionId: expect.stringMatching(/^sandbox_/),
    });
    expect(await charge({ cardNumber: '4000000000000002' })).toEqual({
      approved: false,
      reason: 'card_declined',
    });
  });

  it('declines any other card and a card payment without a number', async () => {
    expect(await charge({ cardNumber: '5555555555554444' })).toEqual({
      approved: false,
      reason: 'unknown_test_card',
    });
    expect(await charge({})).toEqual({ approved: false, reason: 'unknown_test_card' });
  });

  it('approves mobile money and PayPal by default, and refuses non-positive or fractional cents', async () => {
    expect((await charge({ method: 'mobile_money' })).approved).toBe(true);
    expect((await charge({ method: 'paypal' })).approved).toBe(true);
    expect(await charge({ method: 'paypal', amountCents: 0 })).toEqual({
      approved: false,
      reason: 'invalid_amount',
    });
    expect(await charge({ method: 'paypal', amountCents: 1.5 })).toEqual({
      approved: false,
      reason: 'invalid_amount',
    });
  });
});
