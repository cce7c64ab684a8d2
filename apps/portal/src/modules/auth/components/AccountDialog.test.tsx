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
});
