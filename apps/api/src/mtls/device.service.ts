import { Injectable } from '@nestjs/common';
import type { ApiRevocationReason } from '@enroll/domain';
import { AppError } from '../common/app-error';
import type { DevicePrincipal } from '../common/principal';
import { DecisionsService } from '../requests/decisions.service';
import { requestView, type RequestView } from '../requests/request-row';

export const TEST_SUCCESS = 'Connection to test connection service successful.';

@Injectable()
export class DeviceService {
  constructor(private readonly decisions: DecisionsService) {}

  test(device: DevicePrincipal): { message: string; subject: string; serialNumber: string; notAfter: Date } {
    return { message: TEST_SUCCESS, subject: device.subject, serialNumber: device.serialNumber, notAfter: device.notAfter };
  }

  /** A device revokes its own certificate; the history and audit name the device as the actor. */
  async revoke(device: DevicePrincipal, reason: ApiRevocationReason): Promise<RequestView> {
    if (device.requestId === null) {
      throw new AppError('NOT_A_DEVICE_CERTIFICATE', 'This certificate belongs to no enrollment request: ask a centre administrator to revoke it.');
    }
    const row = await this.decisions.revoke({ name: `device ${device.serialNumber}`, type: 'device' }, {}, Number(device.requestId), reason);
    return requestView(row);
  }
}
