import { IsIn, IsString, Length } from 'class-validator';
import { PROFILE_TYPES, type ProfileType } from './profile-vocabulary';

export class CreateProfileDto {
  @IsString()
  @Length(1, 50)
  name!: string;

  @IsIn(PROFILE_TYPES)
  type!: ProfileType;
}
