import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { i18n } from '../../../i18n';
import { problem, stubApi } from '../../../test/api-stub';
import { administrator, userCertificate, userRow } from '../../../test/factories';
import { renderPortal } from '../../../test/render';

// The page is a lazy chunk: its first render may take a while on a busy machine.
const slow = { timeout: 5000 };

/** The users list as the API holds it: a route answers from `rows`, which the actions change. */
function people(...rows: ReturnType<typeof userRow>[]) {
  return { rows, list: () => ({ body: rows }) };
}

describe('the managers page', () => {
  it('disables a manager after confirmation, says so, and keeps focus on the same button, now Enable', async () => {
    const jdupont = userRow({ username: 'jdupont' });
    const state = people(
      userRow({ id: administrator.id, username: 'admin', role: 'admin', organizationCode: null }),
      jdupont,
    );
    const api = stubApi({
      'GET /api/v1/users': state.list,
      [`POST /api/v1/users/${jdupont.id}/disable`]: () => {
        state.rows[1] = { ...jdupont, disabledAt: '2026-12-02T10:00:00.000Z' };
        return { body: state.rows[1] };
      },
      [`POST /api/v1/users/${jdupont.id}/enable`]: () => {
        state.rows[1] = jdupont;
        return { body: jdupont };
      },
    });
    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(false).mockReturnValue(true);
    renderPortal('/managers', administrator);
    const user = userEvent.setup();
    const disable = await screen.findByRole('button', { name: 'Disable for jdupont' }, slow);
    // No one disables itself: the administrator's own row has no such button.
    expect(screen.queryByRole('button', { name: 'Disable for admin' })).not.toBeInTheDocument();

    await user.click(disable);
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('Disable jdupont?'));
    expect(api.callsTo('POST', `/api/v1/users/${jdupont.id}/disable`)).toHaveLength(0);

    await user.click(disable);
    expect(await screen.findByRole('status')).toHaveTextContent('jdupont is disabled: their sessions have ended.');
    const enable = await screen.findByRole('button', { name: 'Enable for jdupont' });
    expect(enable).toHaveFocus();
    expect(screen.getByRole('row', { name: /jdupont/ })).toHaveTextContent(/Disabled/);

    await user.click(enable);
    expect(await screen.findByRole('button', { name: 'Disable for jdupont' })).toHaveFocus();
    expect(api.callsTo('POST', `/api/v1/users/${jdupont.id}/enable`)).toHaveLength(1);
  });

  it('resets a password to a generated one shown to the administrator; focus returns to the opener', async () => {
    const jdupont = userRow({ username: 'jdupont' });
    const api = stubApi({
      'GET /api/v1/users': { body: [jdupont] },
      [`POST /api/v1/users/${jdupont.id}/password`]: { status: 204 },
    });
    renderPortal('/managers', administrator);
    const user = userEvent.setup();
    const opener = await screen.findByRole('button', { name: 'Reset password… for jdupont' }, slow);
    await user.click(opener);
    const dialog = await screen.findByRole('dialog', { name: 'New password for jdupont' });
    await user.click(within(dialog).getByRole('button', { name: 'Set the password' }));
    expect(await within(dialog).findByText('Enter a password.')).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Generate a password' }));
    const field = within(dialog).getByLabelText<HTMLInputElement>('New password');
    expect(field.value).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/);
    const generated = field.value;
    await user.click(within(dialog).getByRole('button', { name: 'Set the password' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(api.callsTo('POST', `/api/v1/users/${jdupont.id}/password`)[0]!.body).toEqual({ password: generated });
    expect(screen.getByRole('status')).toHaveTextContent('The password of jdupont is set: their sessions have ended.');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Reset password… for jdupont' })).toHaveFocus());
  });

  it('offers to lift sign-in limits only while they hold, and lifts them', async () => {
    const held = userRow({ username: 'held', signInBlockedUntil: '2026-12-02T10:15:00.000Z' });
    const free = userRow({ username: 'free' });
    const api = stubApi({
      'GET /api/v1/users': { body: [held, free] },
      [`DELETE /api/v1/users/${held.id}/sign-in-limits`]: { status: 204 },
    });
    renderPortal('/managers', administrator);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Lift sign-in limits for held' }, slow));
    expect(screen.queryByRole('button', { name: 'Lift sign-in limits for free' })).not.toBeInTheDocument();
    expect(await screen.findByRole('status')).toHaveTextContent('The sign-in limits of held are lifted.');
    expect(screen.getByRole('button', { name: 'Reset password… for held' })).toHaveFocus();
    expect(api.callsTo('DELETE', `/api/v1/users/${held.id}/sign-in-limits`)).toHaveLength(1);
  });

  it("lists a person's certificates and revokes one with the reason chosen", async () => {
    const jdupont = userRow({ username: 'jdupont' });
    const current = userCertificate();
    const old = userCertificate({
      status: 'revoked',
      revokedAt: '2026-11-15T08:00:00.000Z',
      revocationReason: 'superseded',
    });
    let list = [current, old];
    const api = stubApi({
      'GET /api/v1/users': { body: [jdupont] },
      [`GET /api/v1/users/${jdupont.id}/certificates`]: () => ({ body: list }),
      [`POST /api/v1/certificates/${current.serialNumber}/revoke`]: () => {
        const revoked = {
          ...current,
          status: 'revoked' as const,
          revokedAt: '2026-12-02T10:00:00.000Z',
          revocationReason: 'keyCompromise',
        };
        list = [revoked, old];
        return { body: revoked };
      },
    });
    renderPortal('/managers', administrator);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Certificates… for jdupont' }, slow));
    const dialog = await screen.findByRole('dialog', { name: 'Certificates of jdupont' });
    expect(await within(dialog).findByText(old.serialNumber)).toBeInTheDocument();
    expect(within(dialog).getByText(/Revoked .* \(Superseded\)/)).toBeInTheDocument();
    // Only the valid one can be revoked.
    expect(within(dialog).getAllByRole('button', { name: /^Revoke…/ })).toHaveLength(1);

    const revoke = within(dialog).getByRole('button', { name: `Revoke… ${current.serialNumber}` });
    await user.click(revoke);
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(await within(dialog).findByText('Choose the reason for revocation.')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(revoke).toHaveFocus());

    await user.click(revoke);
    await user.selectOptions(within(dialog).getByLabelText('Revocation reason'), 'Key compromise');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(within(dialog).queryAllByRole('button', { name: /^Revoke…/ })).toHaveLength(0));
    expect(api.callsTo('POST', `/api/v1/certificates/${current.serialNumber}/revoke`)[0]!.body).toEqual({
      reason: 'keyCompromise',
    });
    expect(within(dialog).getByText(/Revoked .* \(Key compromise\)/)).toBeInTheDocument();
    expect(within(dialog).getByRole('status')).toHaveTextContent(`Certificate ${current.serialNumber} is revoked.`);
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Certificates… for jdupont' })).toHaveFocus());
  });

  it('issues a new user certificate, revoking the previous one when asked', async () => {
    const jdupont = userRow({ username: 'jdupont' });
    const api = stubApi({
      'GET /api/v1/users': { body: [jdupont] },
      [`GET /api/v1/users/${jdupont.id}/certificates`]: { body: [userCertificate()] },
      [`POST /api/v1/users/${jdupont.id}/certificate`]: { body: 'p12', contentType: 'application/x-pkcs12' },
    });
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:p12'), revokeObjectURL: vi.fn() }));
    renderPortal('/managers', administrator);
    const user = userEvent.setup();
    const opener = await screen.findByRole('button', { name: 'Issue a user certificate… for jdupont' }, slow);
    await user.click(opener);
    const dialog = await screen.findByRole('dialog', { name: 'User certificate for jdupont' });
    expect(
      await within(dialog).findByText('The valid certificate this person has now stops working at once.'),
    ).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('File password'), 'p12-secret');
    await user.type(within(dialog).getByLabelText('Password again'), 'p12-secret');
    const revokePrevious = within(dialog).getByRole('checkbox', {
      name: 'Revoke the previous certificate (superseded)',
    });
    expect(revokePrevious).not.toBeChecked();
    await user.click(revokePrevious);
    await user.click(within(dialog).getByRole('button', { name: 'Issue and download' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(api.callsTo('POST', `/api/v1/users/${jdupont.id}/certificate`)[0]!.body).toEqual({
      password: 'p12-secret',
      revokePrevious: true,
    });
    await waitFor(() => expect(opener).toHaveFocus());
  });

  it("shows the API's refusal beside the account", async () => {
    const other = userRow({ username: 'other' });
    stubApi({
      'GET /api/v1/users': { body: [other] },
      [`POST /api/v1/users/${other.id}/disable`]: problem(409, 'CANNOT_DISABLE_SELF', 'no'),
    });
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    renderPortal('/managers', administrator);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Disable for other' }, slow));
    expect(await screen.findByRole('alert')).toHaveTextContent('You cannot disable your own account.');
  });

  it('reads in French', async () => {
    await i18n.changeLanguage('fr');
    stubApi({ 'GET /api/v1/users': { body: [userRow({ username: 'jdupont' })] } });
    renderPortal('/managers', administrator);
    expect(await screen.findByRole('button', { name: 'Désactiver pour jdupont' }, slow)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Réinitialiser le mot de passe… pour jdupont' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Gestionnaires' })).toBeInTheDocument();
  });
});
