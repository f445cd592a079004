import { BadRequestException, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CACHE_STORE, type CacheStore } from '@infrastructure/cache';
import { DATABASE, type Database, type Queryable } from '@infrastructure/database';
import { MetricsService } from '@infrastructure/metrics';
import type { PaymentMethod, PlanType } from './payment-vocabulary';
import { APP_CONFIG, type AppConfig } from '../config';
import { PAYMENT_GATEWAY, type PaymentGateway } from './payment-gateway';
import type { CardDto } from './payment.dto';
import { PLANS } from './plans';

export interface PaymentReceipt {
  paymentId: string;
  status: 'success';
  amount: number;
  currency: string;
  paymentMethod: PaymentMethod;
}

export interface SubscriptionReceipt {
  subscriptionId: string;
  plan: PlanType;
  expiresAt: string;
  accessType: 'premium';
  payment: PaymentReceipt;
}

interface Charge {
  userId: string;
  amountCents: number;
  method: PaymentMethod;
  card?: CardDto;
  purpose: 'one_off' | `subscription:${PlanType}`;
}

/**
 * Charges through the PaymentGateway; 402 when declined. Every outcome is stored and recorded
 * (payment_transactions_total, payment_amount_total); repeated declines of one user in a short
 * window are flagged once as a suspicious_payment risk event. A successful subscription makes the
 * user premium until its expiry.
 */
@Injectable()
export class PaymentsService {
  constructor(
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CACHE_STORE) private readonly store: CacheStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async pay(userId: string, amount: number, method: PaymentMethod, card?: CardDto): Promise<PaymentReceipt> {
    return this.charge(
      { userId, amountCents: Math.round(amount * 100), method, card, purpose: 'one_off' },
      () => Promise.resolve(),
    );
  }

  async subscribe(
    userId: string,
    plan: PlanType,
    method: PaymentMethod,
    card?: CardDto,
  ): Promise<SubscriptionReceipt> {
    const { priceCents, interval } = PLANS[plan];
    let subscription: { id: string; expiresAt: string } | undefined;
    const payment = await this.charge(
      { userId, amountCents: priceCents, method, card, purpose: `subscription:${plan}` },
      async (tx) => {
        const id = randomUUID();
        // A renewal extends from the current expiry, a new subscription from now.
        const { rows } = await tx.query<{ expires_at: Date | string }>(
          `INSERT INTO subscriptions (id, user_id, plan, expires_at)
           SELECT $1, $2, $3, greatest(now(), coalesce(max(expires_at), now())) + $4::interval
           FROM subscriptions WHERE user_id = $2
           RETURNING expires_at`,
          [id, userId, plan, interval],
        );
        subscription = { id, expiresAt: new Date(rows[0].expires_at).toISOString() };
      },
    );
    this.metrics.recordSubscriptionCreated(plan);
    return {
      subscriptionId: subscription!.id,
      plan,
      expiresAt: subscription!.expiresAt,
      accessType: 'premium',
      payment,
    };
  }

  /** Charges, then stores the payment and runs `onApproved` in one transaction. */
  private async charge(
    charge: Charge,
    onApproved: (tx: Queryable) => Promise<void>,
  ): Promise<PaymentReceipt> {
    if (charge.method === 'card' && !charge.card)
      throw new BadRequestException('card is required when paymentMethod is card');
    if (charge.method !== 'card' && charge.card)
      throw new BadRequestException(`card is not accepted with paymentMethod ${charge.method}`);
    const paymentId = randomUUID();
    const amount = charge.amountCents / 100;
    const result = await this.gateway.charge({
      amountCents: charge.amountCents,
      currency: this.config.payments.currency,
      method: charge.method,
      cardNumber: charge.card?.number,
      reference: paymentId,
    });
    if (!result.approved) {
      await this.insertPayment(this.db, paymentId, charge, 'failed', result.reason);
      this.metrics.recordPayment('failed', charge.method, amount);
      await this.watchDeclines(charge.userId);
      throw new HttpException(`payment declined: ${result.reason}`, HttpStatus.PAYMENT_REQUIRED);
    }
    await this.db.transaction(async (tx) => {
      await this.insertPayment(tx, paymentId, charge, 'success', null);
      await onApproved(tx);
    });
    this.metrics.recordPayment('success', charge.method, amount);
    return {
      paymentId,
      status: 'success',
      amount,
      currency: this.config.payments.currency,
      paymentMethod: charge.method,
    };
  }

  private async insertPayment(
    q: Queryable,
    id: string,
    charge: Charge,
    status: 'success' | 'failed',
    reason: string | null,
  ): Promise<void> {
    await q.query(
      `INSERT INTO payments (id, user_id, amount_cents, method, status, decline_reason, purpose)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, charge.userId, charge.amountCents, charge.method, status, reason, charge.purpose],
    );
  }

  private async watchDeclines(userId: string): Promise<void> {
    const { declineThreshold, declineWindowMs } = this.config.payments;
    const { value } = await this.store.incr(`payments:declines:${userId}`, declineWindowMs);
    // Flag the moment the threshold is reached, once per window.
    if (value === declineThreshold) this.metrics.recordRiskEvent('suspicious_payment', 'flagged');
  }
}
