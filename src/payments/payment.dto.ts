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

export class PaymentDto extends ChargeFields {
  /** In the configured currency's major unit, at most 2 decimals. */
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(10_000)
  amount!: number;
}

export class SubscriptionDto extends ChargeFields {
  @IsIn(PLAN_TYPES)
  plan!: PlanType;
}
