import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { problem, stubApi } from '../../../test/api-stub';
import { managerOf } from '../../../test/factories';
import { renderPortal } from '../../../test/render';
import { page } from '../api/auth';

const signedIn = (me = managerOf('J1CFRA')) => ({
  body: { accessToken: 'ens_x', csrfToken: 'c', expiresAt: '2026-12-03T00:00:00.000Z', user: me },
});
const queue = {
  'GET /api/v1/requests': { body: { items: [], nextCursor: null } },
  'GET /api/v1/requests/counts': { body: {} },
};

describe('signing in with the user certificate', () => {
  it('is not offered over plain HTTP, where the browser can present no certificate', async () => {
    stubApi({});
    renderPortal('/login', null);
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign in with my certificate' })).not.toBeInTheDocument();
  });

  it('on the mutual-TLS port, signs in with the certificate alone and opens the queue', async () => {
    vi.spyOn(page, 'overHttps').mockReturnValue(true);
    const api = stubApi({ 'POST /api/v1/auth/login/certificate': signedIn(), ...queue });
    renderPortal('/login', null);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Sign in with my certificate' }));
    expect(await screen.findByRole('heading', { name: 'Review queue' }, { timeout: 5000 })).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/auth/login/certificate')[0]!.body).toEqual({});
  });

  it('says clearly why a certificate is refused (a disabled account, a revoked certificate)', async () => {
    vi.spyOn(page, 'overHttps').mockReturnValue(true);
    const answers = [
      problem(403, 'ACCOUNT_DISABLED', 'This account is disabled: ask a centre administrator.'),
      problem(403, 'CERTIFICATE_REVOKED', 'The certificate was revoked on …'),
    ];
    stubApi({ 'POST /api/v1/auth/login/certificate': () => answers.shift()! });
    renderPortal('/login', null);
    const user = userEvent.setup();
    const button = await screen.findByRole('button', { name: 'Sign in with my certificate' });
    await user.click(button);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Your certificate was refused. This account is disabled.',
    );
    await user.click(button);
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent('Your certificate was refused. This certificate is revoked.'),
    );
    // Still at the sign-in page: a refusal is not a session.
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('asks for the password when the centre requires both, then sends it with the certificate', async () => {
    vi.spyOn(page, 'overHttps').mockReturnValue(true);
    const api = stubApi({
      'POST /api/v1/auth/login/certificate': (call) =>
        (call.body as { password?: string }).password === 'right-password'
          ? signedIn()
          : problem(401, 'INVALID_CREDENTIALS', 'Give your password with your certificate.'),
      ...queue,
    });
    renderPortal('/login', null);
    const user = userEvent.setup();
    const button = await screen.findByRole('button', { name: 'Sign in with my certificate' });
    await user.click(button);
    expect(await screen.findByRole('alert')).toHaveTextContent('Your centre also asks for your password');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(button);
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('The password is not right.'));
    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'right-password');
    await user.click(button);
    expect(await screen.findByRole('heading', { name: 'Review queue' }, { timeout: 5000 })).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/auth/login/certificate').map((c) => c.body)).toEqual([
      {},
      { password: 'wrong' },
      { password: 'right-password' },
    ]);
  });

  it('explains to a manager who must use a certificate where to go, when signing in by password', async () => {
    stubApi({
      'POST /api/v1/auth/login': problem(
        403,
        'CERTIFICATE_SIGN_IN_REQUIRED',
        'Managers sign in with their certificate.',
      ),
    });
    renderPortal('/login', null);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Username'), 'jdupont');
    await user.type(screen.getByLabelText('Password'), 'whatever-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Sign in with my certificate');
  });
});
