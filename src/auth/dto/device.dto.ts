import { IsIn, IsString, Length } from 'class-validator';
import { DEVICE_TYPES, type DeviceType } from '../auth-vocabulary';

export class RegisterDeviceDto {
  @IsIn(DEVICE_TYPES)
  type!: DeviceType;

  @IsString()
  @Length(1, 64)
  name!: string;
}
