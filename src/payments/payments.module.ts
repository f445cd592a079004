import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PAYMENT_GATEWAY } from './payment-gateway';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { SandboxPaymentGateway } from './sandbox-gateway';

/** Payments and subscriptions. The gateway is the sandbox until a real provider is configured. */
@Module({
  imports: [AuthModule],
  controllers: [PaymentsController],
  providers: [PaymentsService, { provide: PAYMENT_GATEWAY, useFactory: () => new SandboxPaymentGateway() }],
})
export class PaymentsModule {}
