import type { LoginResult, Me, Preferences, Wire } from '@enroll/contract';
import { getJson, send } from '../../../shared/api/http';

export const fetchMe = (signal?: AbortSignal): Promise<Me> => getJson<Me>('/api/v1/auth/me', signal);

export async function login(username: string, password: string): Promise<Wire<LoginResult>> {
  const response = await send('POST', '/api/v1/auth/login', { body: { username, password }, anonymous: true });
  return (await response.json()) as Wire<LoginResult>;
}

export async function logout(): Promise<void> {
  await send('POST', '/api/v1/auth/logout', { anonymous: true });
}

/**
 * Whether the page came over HTTPS: the API's HTTPS port is the mutual-TLS one, where the browser
 * can present a certificate (the plain port serves the same portal over HTTP). An object, so that
 * tests can answer for the page.
 */
export const page = { overHttps: (): boolean => window.location.protocol === 'https:' };

/**
 * Signs in with the user certificate the browser presents in the TLS handshake: only on the
 * mutual-TLS port. The password goes along when the centre asks for both.
 */
export async function loginWithCertificate(password?: string): Promise<Wire<LoginResult>> {
  const response = await send('POST', '/api/v1/auth/login/certificate', {
    body: password ? { password } : {},
    anonymous: true,
  });
  return (await response.json()) as Wire<LoginResult>;
}

/**
 * One's own password; the other sessions end, this one goes on. A wrong current password answers
 * 401 too: that is a typing mistake, not an expired session, so it does not sign the person out.
 */
export async function changeOwnPassword(currentPassword: string, newPassword: string): Promise<void> {
  await send('POST', '/api/v1/auth/password', { body: { currentPassword, newPassword }, anonymous: true });
}

export const preferencesKey = ['preferences'] as const;

/** One's own notification settings: the address, the language of mails, a daily digest or not. */
export const fetchPreferences = (signal?: AbortSignal): Promise<Preferences> =>
  getJson<Preferences>('/api/v1/auth/preferences', signal);

export async function savePreferences(changes: Partial<Preferences>): Promise<Preferences> {
  return (await (await send('PUT', '/api/v1/auth/preferences', { body: changes })).json()) as Preferences;
}
