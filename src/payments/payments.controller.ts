import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { PaymentDto, SubscriptionDto } from './payment.dto';
import { PaymentsService, type PaymentReceipt, type SubscriptionReceipt } from './payments.service';

@Controller()
@UseGuards(JwtAuthGuard)
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('payments')
  pay(@CurrentUser() user: AuthenticatedUser, @Body() dto: PaymentDto): Promise<PaymentReceipt> {
    return this.payments.pay(user.id, dto.amount, dto.paymentMethod, dto.card);
  }

  @Post('subscriptions')
  subscribe(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: SubscriptionDto,
  ): Promise<SubscriptionReceipt> {
    return this.payments.subscribe(user.id, dto.plan, dto.paymentMethod, dto.card);
  }
}
