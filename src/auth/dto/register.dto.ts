import { IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { REGISTRATION_SOURCES, type RegistrationSource } from '../auth-vocabulary';

export class RegisterDto {
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @IsString()
  @Length(8, 128)
  password!: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  displayName?: string;

  /** Where the account was created; defaults to web. */
  @IsOptional()
  @IsIn(REGISTRATION_SOURCES)
  source?: RegistrationSource;
}
