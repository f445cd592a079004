import { plainToInstance, Transform } from 'class-transformer';
import {
  IsCreditCard,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { PAYMENT_METHODS, PLAN_TYPES, type PaymentMethod, type PlanType } from './payment-vocabulary';

export class CardDto {
  @IsCreditCard({ message: 'card.number must be a valid card number' })
  number!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(12)
  expMonth?: number;

  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  expYear?: number;

  @IsOptional()
  @Matches(/^\d{3,4}$/, { message: 'card.cvc must be 3 or 4 digits' })
  cvc?: string;
}

/** `card` is an object `{number, expMonth?, expYear?, cvc?}`; a bare card-number string is accepted too. */
const toCard = ({ value }: { value: unknown }): unknown => {
  if (typeof value === 'string') return plainToInstance(CardDto, { number: value });
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return plainToInstance(CardDto, value);
  return value;
};

class ChargeFields {
  @IsIn(PAYMENT_METHODS)
  paymentMethod!: PaymentMethod;

  /** Required with paymentMethod card, refused with the others. */
  @IsOptional()
  @Transform(toCard)
  @IsObject({ message: 'card must be an object {number} or a card number' })
  @ValidateNested()
  card?: CardDto;
}

/** Smallest and largest payment, in the currency's major unit. */
export const MIN_PAYMENT_AMOUNT = 0.01;
export const MAX_PAYMENT_AMOUNT = 10_000;

/**
 * A whole number of cents. Checked on the number itself, not its decimal text: class-validator's
 * maxDecimalPlaces reads `String(n)`, which for 1e-7 or 5e-324 is exponent notation it cannot read.
 */
const WholeCents = () =>
  ValidateBy({
    name: 'wholeCents',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'number' &&
        Number.isFinite(value) &&
        Math.abs(value * 100 - Math.round(value * 100)) < 1e-6,
      defaultMessage: () => 'amount must be a number with at most 2 decimal places',
    },
  });

export class PaymentDto extends ChargeFields {
  /** In the configured currency's major unit: from 0.01 to 10,000, at most 2 decimals. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @WholeCents()
  @Min(MIN_PAYMENT_AMOUNT)
  @Max(MAX_PAYMENT_AMOUNT)
  amount!: number;
}

export class SubscriptionDto extends ChargeFields {
  @IsIn(PLAN_TYPES)
  plan!: PlanType;
}
