import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { CreateProfileDto } from './profile.dto';
import { ProfilesService, type Profile } from './profiles.service';

@Controller('profiles')
@UseGuards(JwtAuthGuard)
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Post()
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateProfileDto): Promise<Profile> {
    return this.profiles.create(user.id, dto.name, dto.type);
  }

  @Post(':id/switch')
  @HttpCode(HttpStatus.NO_CONTENT)
  async switch(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.profiles.switchTo(user.id, user.sessionId, id);
  }
}
