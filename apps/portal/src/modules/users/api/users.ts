import type { CertificateView, UserView, Wire } from '@enroll/contract';
import type { ApiRevocationReason, Role } from '@enroll/domain';
import { getJson, postJson, send } from '../../../shared/api/http';

export type User = Wire<UserView>;
export type UserCertificate = Wire<CertificateView>;
export interface NewUser {
  username: string;
  password: string;
  role: Role;
  organizationCode?: string;
  email?: string;
}

export const userKeys = {
  all: ['users'] as const,
  certificates: (id: string) => ['users', id, 'certificates'] as const,
};
export const fetchUsers = (signal?: AbortSignal): Promise<User[]> => getJson('/api/v1/users', signal);
export const createUser = (input: NewUser): Promise<User> => postJson('/api/v1/users', input);

const path = (id: string, rest: string) => `/api/v1/users/${encodeURIComponent(id)}/${rest}`;

/** Disabling ends every session of the account at once (the API does it in the same transaction). */
export const disableUser = (id: string): Promise<User> => postJson(path(id, 'disable'));
export const enableUser = (id: string): Promise<User> => postJson(path(id, 'enable'));
/** An administrator sets the new password; the person's sessions end and its sign-in limits are lifted. */
export const resetPassword = (id: string, password: string): Promise<void> =>
  postJson(path(id, 'password'), { password });
export const clearSignInLimits = async (id: string): Promise<void> => {
  await send('DELETE', path(id, 'sign-in-limits'));
};
export const fetchUserCertificates = (id: string, signal?: AbortSignal): Promise<UserCertificate[]> =>
  getJson(path(id, 'certificates'), signal);
export const revokeCertificate = (serial: string, reason: ApiRevocationReason): Promise<UserCertificate> =>
  postJson(`/api/v1/certificates/${encodeURIComponent(serial)}/revoke`, { reason });

/**
 * The manager's user certificate and key as PKCS #12, protected by the password given. With
 * `revokePrevious`, the person's other valid user certificates are revoked (superseded).
 */
export async function issueUserCertificate(
  id: string,
  password: string,
  revokePrevious = false,
): Promise<{ blob: Blob; filename: string }> {
  const response = await send('POST', path(id, 'certificate'), { body: { password, revokePrevious } });
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'certificate.p12';
  return { blob: await response.blob(), filename };
}
