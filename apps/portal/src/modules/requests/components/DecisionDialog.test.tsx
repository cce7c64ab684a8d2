import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { problem, stubApi } from '../../../test/api-stub';
import { administrator, managerOf, requestDetail } from '../../../test/factories';
import { renderPortal } from '../../../test/render';

async function open(action: string) {
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: `${action}…` }));
  return { user, dialog: await screen.findByRole('dialog') };
}

describe('the decision dialogs', () => {
  it('will not send a rejection without a reason, then sends the reason with the CSRF header', async () => {
    document.cookie = 'enroll_csrf=token-123; path=/';
    let current = requestDetail({ id: 20 });
    const api = stubApi({
      'GET /api/v1/requests/20': () => ({ body: current }),
      'POST /api/v1/requests/20/reject': () => {
        current = requestDetail({ id: 20, status: 'Rejected', rejectionReason: 'Unknown device' });
        return { body: current };
      },
    });
    renderPortal('/requests/20', managerOf('J1CFRA'));
    const { user, dialog } = await open('Reject');
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(await within(dialog).findByText('A rejection needs a reason.')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Reason for rejection')).toHaveAttribute('aria-invalid', 'true');
    expect(api.callsTo('POST', '/api/v1/requests/20/reject')).toHaveLength(0);

    await user.type(within(dialog).getByLabelText('Reason for rejection'), '  Unknown device ');
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const [call] = api.callsTo('POST', '/api/v1/requests/20/reject');
    expect(call!.body).toEqual({ reason: 'Unknown device' });
    expect(call!.headers['x-csrf-token']).toBe('token-123');
    expect(await screen.findByText('Unknown device')).toBeInTheDocument();
  });

  it('revokes with the RFC 5280 reason chosen', async () => {
    const api = stubApi({
      'GET /api/v1/requests/21': { body: requestDetail({ id: 21, status: 'Approved' }) },
      'POST /api/v1/requests/21/revoke': { body: requestDetail({ id: 21, status: 'Revoked' }) },
    });
    renderPortal('/requests/21', administrator);
    const { user, dialog } = await open('Revoke');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(await within(dialog).findByText('Choose the reason for revocation.')).toBeInTheDocument();
    await user.selectOptions(within(dialog).getByLabelText('Revocation reason'), 'Key compromise');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/v1/requests/21/revoke')).toHaveLength(1));
    expect(api.callsTo('POST', '/api/v1/requests/21/revoke')[0]!.body).toEqual({ reason: 'keyCompromise' });
  });

  it("shows the API's refusal in words and stays open", async () => {
    stubApi({
      'GET /api/v1/requests/22': { body: requestDetail({ id: 22 }) },
      'POST /api/v1/requests/22/approve': problem(
        409,
        'INVALID_TRANSITION',
        'A workstation request in state Cancelled cannot be approved.',
        { currentStatus: 'Cancelled' },
      ),
    });
    renderPortal('/requests/22', managerOf('J1CFRA'));
    const { user, dialog } = await open('Approve');
    await user.type(within(dialog).getByLabelText('Comment (optional)'), 'known device');
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'This request is no longer in a state that allows this decision: someone may have decided it meanwhile. (INVALID_TRANSITION)',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
