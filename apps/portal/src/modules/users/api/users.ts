import type { UserView, Wire } from '@enroll/contract';
import type { Role } from '@enroll/domain';
import { getJson, postJson, send } from '../../../shared/api/http';

export type User = Wire<UserView>;
export interface NewUser {
  username: string;
  password: string;
  role: Role;
  organizationCode?: string;
  email?: string;
}

export const userKeys = { all: ['users'] as const };
export const fetchUsers = (signal?: AbortSignal): Promise<User[]> => getJson('/api/v1/users', signal);
export const createUser = (input: NewUser): Promise<User> => postJson('/api/v1/users', input);

/** The manager's user certificate and key as PKCS #12, protected by the password given. */
export async function issueUserCertificate(id: string, password: string): Promise<{ blob: Blob; filename: string }> {
  const response = await send('POST', `/api/v1/users/${id}/certificate`, { body: { password } });
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'certificate.p12';
  return { blob: await response.blob(), filename };
}
