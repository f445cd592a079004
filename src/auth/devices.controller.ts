import { Body, Controller, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser, type AuthenticatedUser } from './current-user';
import { DevicesService, type Device } from './devices.service';
import { RegisterDeviceDto } from './dto/device.dto';
import { JwtAuthGuard } from './jwt-auth.guard';

@Controller('devices')
@UseGuards(JwtAuthGuard)
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  /** 201 for a new device, 200 for one already registered to the account. */
  @Post()
  async register(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: RegisterDeviceDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Device & { new: boolean }> {
    const { device, created } = await this.devices.register(user.id, dto.type, dto.name);
    res.status(created ? 201 : 200);
    return { ...device, new: created };
  }
}
