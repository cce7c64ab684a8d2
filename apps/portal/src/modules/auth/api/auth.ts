import type { LoginResult, Me, Wire } from '@enroll/contract';
import { getJson, send } from '../../../shared/api/http';

export const fetchMe = (signal?: AbortSignal): Promise<Me> => getJson<Me>('/api/v1/auth/me', signal);

export async function login(username: string, password: string): Promise<Wire<LoginResult>> {
  const response = await send('POST', '/api/v1/auth/login', { body: { username, password }, anonymous: true });
  return (await response.json()) as Wire<LoginResult>;
}

export async function logout(): Promise<void> {
  await send('POST', '/api/v1/auth/logout', { anonymous: true });
}
