import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { problem, stubApi } from '../../../test/api-stub';
import { managerOf } from '../../../test/factories';
import { renderPortal } from '../../../test/render';

const queue = {
  'GET /api/v1/requests': { body: { items: [], nextCursor: null } },
  'GET /api/v1/requests/counts': { body: {} },
};

async function openAccount() {
  const user = userEvent.setup();
  const opener = await screen.findByRole('button', { name: 'My account' }, { timeout: 5000 });
  await user.click(opener);
  return { user, opener, dialog: await screen.findByRole('dialog', { name: 'My account' }) };
}

describe('my account', () => {
  it('changes my own password; a wrong current password is said at the field and does not sign me out', async () => {
    const api = stubApi({
      ...queue,
      'POST /api/v1/auth/password': (call) =>
        (call.body as { currentPassword: string }).currentPassword === 'old-password'
          ? { status: 204 }
          : problem(401, 'INVALID_CREDENTIALS', 'The current password is wrong.'),
    });
    renderPortal('/', managerOf('J1CFRA'));
    const { user, opener, dialog } = await openAccount();
    await user.type(within(dialog).getByLabelText('Current password'), 'typo');
    await user.type(within(dialog).getByLabelText('New password'), 'short');
    await user.type(within(dialog).getByLabelText('New password again'), 'other');
    await user.click(within(dialog).getByRole('button', { name: 'Change my password' }));
    expect(await within(dialog).findByText('Use at least 12 characters.')).toBeInTheDocument();
    expect(within(dialog).getByText('The two passwords differ.')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/auth/password')).toHaveLength(0);

    await user.clear(within(dialog).getByLabelText('New password'));
    await user.type(within(dialog).getByLabelText('New password'), 'a-new-long-password');
    await user.clear(within(dialog).getByLabelText('New password again'));
    await user.type(within(dialog).getByLabelText('New password again'), 'a-new-long-password');
    await user.click(within(dialog).getByRole('button', { name: 'Change my password' }));
    expect(await within(dialog).findByText('The current password is not right.')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Current password')).toHaveAttribute('aria-invalid', 'true');
    // The 401 of a wrong current password is not an expired session: still signed in.
    expect(screen.getByRole('dialog')).toBeInTheDocument();

    await user.clear(within(dialog).getByLabelText('Current password'));
    await user.type(within(dialog).getByLabelText('Current password'), 'old-password');
    await user.click(within(dialog).getByRole('button', { name: 'Change my password' }));
    expect(await within(dialog).findByRole('status')).toHaveTextContent('Your password is changed');
    expect(api.callsTo('POST', '/api/v1/auth/password').at(-1)!.body).toEqual({
      currentPassword: 'old-password',
      newPassword: 'a-new-long-password',
    });

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await waitFor(() => expect(opener).toHaveFocus());
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
  });

  it('reads in French', async () => {
    const { i18n } = await import('../../../i18n');
    await i18n.changeLanguage('fr');
    stubApi(queue);
    renderPortal('/', managerOf('J1CFRA'));
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Mon compte' }, { timeout: 5000 }));
    const dialog = await screen.findByRole('dialog', { name: 'Mon compte' });
    expect(within(dialog).getByLabelText('Mot de passe actuel')).toBeInTheDocument();
  });
  it('sets where and how my notifications are mailed', async () => {
    const api = stubApi({
      ...queue,
      'GET /api/v1/auth/preferences': { body: { email: 'me@laposte.example', language: 'en', mailDigest: false } },
      'PUT /api/v1/auth/preferences': (call) => ({
        body: { email: null, language: 'en', mailDigest: false, ...(call.body as object) },
      }),
    });
    renderPortal('/', managerOf('J1CFRA'));
    const { user, dialog } = await openAccount();
    const form = within(dialog).getByRole('form', { name: 'My notifications' });
    const email = within(form).getByLabelText('E-mail address');
    await waitFor(() => expect(email).toHaveValue('me@laposte.example'));
    expect(within(form).getByRole('radio', { name: 'One mail per event, at once' })).toBeChecked();

    await user.clear(email);
    await user.type(email, 'not an address');
    await user.click(within(form).getByRole('button', { name: 'Save my notifications' }));
    expect(await within(form).findByText('This is not an e-mail address.')).toBeInTheDocument();
    expect(api.callsTo('PUT', '/api/v1/auth/preferences')).toHaveLength(0);

    await user.clear(email);
    await user.type(email, 'team@laposte.example');
    await user.click(within(form).getByRole('radio', { name: 'One digest a day' }));
    await user.click(within(form).getByRole('button', { name: 'Save my notifications' }));
    expect(await within(form).findByText('Your notification settings are saved.')).toBeInTheDocument();
    expect(api.callsTo('PUT', '/api/v1/auth/preferences').at(-1)!.body).toEqual({
      email: 'team@laposte.example',
      mailDigest: true,
    });
  });

  it('keeps the language chosen in the top bar as the language of my mails', async () => {
    const api = stubApi({ ...queue, 'PUT /api/v1/auth/preferences': { body: {} } });
    renderPortal('/', managerOf('J1CFRA'));
    const user = userEvent.setup();
    try {
      await user.selectOptions(await screen.findByLabelText('Language'), 'fr');
      await waitFor(() =>
        expect(api.callsTo('PUT', '/api/v1/auth/preferences').at(-1)?.body).toEqual({ language: 'fr' }),
      );
    } finally {
      const { i18n } = await import('../../../i18n');
      await i18n.changeLanguage('en');
    }
  });
});
