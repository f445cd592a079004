import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { APP_CONFIG, type AppConfig, type PaymentGatewayName } from '../config';
import { PAYMENT_GATEWAY, type PaymentGateway } from './payment-gateway';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { SandboxPaymentGateway } from './sandbox-gateway';

/** The gateway of each PAYMENT_GATEWAY value; a real provider is added here next to the sandbox. */
const GATEWAYS: Readonly<Record<PaymentGatewayName, () => PaymentGateway>> = {
  sandbox: () => new SandboxPaymentGateway(),
};

/** Payments and subscriptions, through the gateway PAYMENT_GATEWAY names (production must name one). */
@Module({
  imports: [AuthModule],
  controllers: [PaymentsController],
  providers: [
    PaymentsService,
    {
      provide: PAYMENT_GATEWAY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => GATEWAYS[config.payments.gateway](),
    },
  ],
})
export class PaymentsModule {}
