import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DATABASE, isUniqueViolation, type Database } from '@infrastructure/database';
import { MetricsService } from '@infrastructure/metrics';
import type { DeviceType } from './auth-vocabulary';

export interface Device {
  id: string;
  type: DeviceType;
  name: string;
  createdAt: string;
}

interface DeviceRow {
  id: string;
  type: DeviceType;
  name: string;
  created_at: Date | string;
}

const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  type: r.type,
  name: r.name,
  createdAt: new Date(r.created_at).toISOString(),
});

/**
 * Devices of an account, identified by type and name (case-insensitive). A device never seen for
 * the account is registered and flagged as a new_device risk event; a known one is returned as is.
 */
@Injectable()
export class DevicesService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly metrics: MetricsService,
  ) {}

  async register(
    userId: string,
    type: DeviceType,
    name: string,
  ): Promise<{ device: Device; created: boolean }> {
    const known = await this.find(userId, type, name);
    if (known) return { device: known, created: false };
    try {
      const { rows } = await this.db.query<DeviceRow>(
        'INSERT INTO devices (id, user_id, type, name) VALUES ($1, $2, $3, $4) RETURNING id, type, name, created_at',
        [randomUUID(), userId, type, name.trim()],
      );
      this.metrics.recordDeviceRegistration(type);
      this.metrics.recordRiskEvent('new_device', 'flagged');
      return { device: toDevice(rows[0]), created: true };
    } catch (error) {
      // The same device registered twice at once: the second one finds the first.
      if (!isUniqueViolation(error)) throw error;
      const device = await this.find(userId, type, name);
      if (!device) throw error;
      return { device, created: false };
    }
  }

  private async find(userId: string, type: DeviceType, name: string): Promise<Device | undefined> {
    const { rows } = await this.db.query<DeviceRow>(
      'SELECT id, type, name, created_at FROM devices WHERE user_id = $1 AND type = $2 AND lower(name) = lower($3)',
      [userId, type, name.trim()],
    );
    return rows[0] ? toDevice(rows[0]) : undefined;
  }
}
