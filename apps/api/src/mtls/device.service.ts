import { Injectable } from '@nestjs/common';
import type { ApiRevocationReason } from '@enroll/domain';
import { AppError } from '../common/app-error';
import type { DevicePrincipal } from '../common/principal';
import { DecisionsService } from '../requests/decisions.service';
import { requestView, type RequestView } from '../requests/request-row';

/** The profiles of device certificates: clientAuth, enrolled by a device (external is serverAuth only). */
const DEVICE_PROFILES: readonly string[] = ['workstation', 'server', 'mobile'];

export const TEST_SUCCESS = 'Connection to test connection service successful.';

@Injectable()
export class DeviceService {
  constructor(private readonly decisions: DecisionsService) {}

  /**
   * The device endpoints (test service, revoke, renew) are for device certificates: a profile
   * with clientAuth that a device enrolled for. A manager's user certificate signs in to the
   * portal on this port, and a serverAuth-only (external) certificate is no client at all.
   */
  assertDevice(device: DevicePrincipal): void {
    if (device.profile === 'manager') {
      throw new AppError(
        'MANAGER_CERTIFICATE',
        "This is a manager's user certificate: it signs in to the portal (POST /api/v1/auth/login/certificate), it is not a device's.",
      );
    }
    if (!DEVICE_PROFILES.includes(device.profile)) {
      throw new AppError(
        'NOT_A_CLIENT_CERTIFICATE',
        `A ${device.profile} certificate is not a device's client certificate (clientAuth): it cannot use the device endpoints.`,
      );
    }
  }

  test(device: DevicePrincipal): { message: string; subject: string; serialNumber: string; notAfter: Date } {
    this.assertDevice(device);
    return {
      message: TEST_SUCCESS,
      subject: device.subject,
      serialNumber: device.serialNumber,
      notAfter: device.notAfter,
    };
  }

  /** A device revokes its own certificate; the history and audit name the device as the actor. */
  async revoke(device: DevicePrincipal, reason: ApiRevocationReason): Promise<RequestView> {
    this.assertDevice(device);
    if (device.requestId === null) {
      throw new AppError(
        'NOT_A_DEVICE_CERTIFICATE',
        'This certificate belongs to no enrollment request: ask a centre administrator to revoke it.',
      );
    }
    const row = await this.decisions.revoke(
      { name: `device ${device.serialNumber}`, type: 'device' },
      {},
      Number(device.requestId),
      reason,
    );
    return requestView(row);
  }
}
