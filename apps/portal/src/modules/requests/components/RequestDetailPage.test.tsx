import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { problem, stubApi } from '../../../test/api-stub';
import { administrator, managerOf, requestDetail } from '../../../test/factories';
import { renderPortal } from '../../../test/render';
import { i18n } from '../../../i18n';

describe('the request detail', () => {
  it('shows the decoded CSR, the device, the phone and description, and the history', async () => {
    stubApi({ 'GET /api/v1/requests/7': { body: requestDetail({ id: 7 }) } });
    renderPortal('/requests/7', managerOf('J1CFRA'));
    const csr = await screen.findByRole('region', { name: 'Certificate signing request' });
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(/^Request 7\s*Pending$/);
    expect(within(csr).getByText('RSA 2048 bits')).toBeInTheDocument();
    expect(within(csr).getByText('CN=CN-7,O=J1CFRA,C=FR')).toBeInTheDocument();
    const device = screen.getByRole('region', { name: 'Device' });
    expect(within(device).getByText('PC-FRONT-01')).toBeInTheDocument();
    expect(within(device).getByText('00:11:22:33:44:55')).toBeInTheDocument();
    expect(screen.getByText('+33 1 00 00 00 00')).toBeInTheDocument();
    expect(screen.getByText('Front desk PC')).toBeInTheDocument();
    // The front door it came through, for the approver.
    expect(screen.getByText('Channel').nextElementSibling).toHaveTextContent('enroll client');
    const history = screen.getByRole('region', { name: 'History' });
    expect(within(history).getByText('LAPOSTE\\jdupont')).toBeInTheDocument();
    // Pending, for a manager of a workstation: approve and reject, not revoke.
    expect(screen.getByRole('button', { name: 'Approve…' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reject…' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Revoke…' })).not.toBeInTheDocument();
  });

  it('highlights requested extensions that differ from the profile', async () => {
    const detail = requestDetail({ id: 8 });
    detail.csr.requestedExtensions = {
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['clientAuth', 'codeSigning'],
      oids: ['2.5.29.15', '2.5.29.37', '1.2.3.4'],
    };
    stubApi({ 'GET /api/v1/requests/8': { body: detail } });
    renderPortal('/requests/8', managerOf('J1CFRA'));
    const extra = await screen.findByTitle('Not in the profile');
    expect(extra).toHaveTextContent('codeSigning');
    expect(screen.getByRole('note')).toHaveTextContent('Differs from the profile’s extended key usage: clientAuth.');
    expect(screen.getByText(/1\.2\.3\.4 \(not copied to the certificate\)/)).toBeInTheDocument();
    // Key usage matches the profile: nothing flagged there.
    expect(screen.getAllByTitle('Not in the profile')).toHaveLength(1);
  });

  it('offers no decision on a server request to a manager, and says who decides', async () => {
    stubApi({ 'GET /api/v1/requests/9': { body: requestDetail({ id: 9, kind: 'server', canDecide: false }) } });
    renderPortal('/requests/9', managerOf('J1CFRA'));
    expect(
      await screen.findByText('Requests of kind server are decided by a centre administrator.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Approve/ })).not.toBeInTheDocument();
  });

  it('shows an issued certificate with its downloads and offers revocation', async () => {
    const detail = requestDetail({
      id: 10,
      status: 'Installed',
      certificateSerial: '0a1b',
      certificate: {
        serialNumber: '0a1b',
        notBefore: '2026-11-20T10:00:00Z',
        notAfter: '2027-11-20T10:00:00Z',
        status: 'valid',
      },
    });
    stubApi({ 'GET /api/v1/requests/10': { body: detail } });
    renderPortal('/requests/10', administrator);
    const certificate = await screen.findByRole('region', { name: 'Certificate' });
    expect(within(certificate).getByText('0A:1B')).toBeInTheDocument();
    expect(within(certificate).getByRole('link', { name: 'PKCS #7 (certificate and chain)' })).toHaveAttribute(
      'href',
      '/api/v1/certificates/0a1b/download?format=p7b',
    );
    expect(screen.getByRole('button', { name: 'Revoke…' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve…' })).not.toBeInTheDocument();
  });

  it("says not found for another organization's request (the API's 404)", async () => {
    stubApi({ 'GET /api/v1/requests/11': problem(404, 'NOT_FOUND', 'Request 11 was not found.') });
    renderPortal('/requests/11', managerOf('J1CFRA'));
    expect(await screen.findByRole('heading', { name: 'Request 11 not found' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Approve/ })).not.toBeInTheDocument();
  });

  it('sends the person back to sign-in, saying the session expired, when the API answers 401', async () => {
    stubApi({ 'GET /api/v1/requests/12': problem(401, 'UNAUTHENTICATED', 'Sign in first.') });
    renderPortal('/requests/12', managerOf('J1CFRA'));
    expect(await screen.findByText('Your session has expired. Please sign in again.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    await userEvent.setup().type(screen.getByLabelText('Username'), 'x');
  });
});

describe('a renewal on the request detail', () => {
  it("links the request it renews and lists the device's renewals", async () => {
    const lineage = [
      {
        id: 40,
        status: 'Installed' as const,
        channel: 'client' as const,
        submittedAt: '2024-11-20T10:00:00.000Z',
        certificateSerial: '0A1B',
        renewalOf: null,
      },
      {
        id: 41,
        status: 'Pending' as const,
        channel: 'renewal' as const,
        submittedAt: '2026-11-20T10:00:00.000Z',
        certificateSerial: null,
        renewalOf: 40,
      },
    ];
    stubApi({
      'GET /api/v1/requests/41': { body: requestDetail({ id: 41, channel: 'renewal', renewalOf: 40, lineage }) },
    });
    renderPortal('/requests/41', managerOf('J1CFRA'));
    const renews = (await screen.findByText('Renews')).nextElementSibling as HTMLElement;
    expect(within(renews).getByRole('link', { name: 'Request 40' })).toHaveAttribute('href', '/requests/40');
    const renewals = screen.getByRole('region', { name: 'Renewals of this device' });
    expect(within(renewals).getAllByRole('row')).toHaveLength(3);
    expect(within(renewals).getByText('Request 41 (this one)')).toBeInTheDocument();
    expect(within(renewals).getByText('Renewal over mutual TLS')).toBeInTheDocument();
  });

  it('says at once that /requests/abc is no request, instead of loading forever', async () => {
    const api = stubApi({});
    renderPortal('/requests/abc', managerOf('J1CFRA'));
    expect(await screen.findByRole('alert')).toHaveTextContent('There is no request “abc”');
    expect(screen.queryByText('Loading…')).not.toBeInTheDocument();
    // Only the header's bell asks anything: the request itself is never fetched.
    expect(api.calls.filter((c) => !c.path.startsWith('/api/v1/notifications/'))).toEqual([]);
    expect(document.title).toBe('Not found · Enroll');
  });

  it('names a cancellation reason as such, and titles the page with the request', async () => {
    stubApi({
      'GET /api/v1/requests/31': {
        body: requestDetail({ id: 31, status: 'Cancelled', rejectionReason: 'Replaced by request 32' }),
      },
    });
    renderPortal('/requests/31', managerOf('J1CFRA'));
    expect(await screen.findByText('Cancellation reason')).toBeInTheDocument();
    expect(screen.queryByText('Rejection reason')).not.toBeInTheDocument();
    expect(document.title).toBe('Request 31 · Enroll');
  });

  it('reloads the request after a refused decision, so that it no longer offers what is impossible', async () => {
    let reads = 0;
    stubApi({
      'GET /api/v1/requests/33': () => ({
        body: requestDetail({ id: 33, status: reads++ === 0 ? 'Pending' : 'Approved' }),
      }),
      'POST /api/v1/requests/33/approve': problem(409, 'INVALID_TRANSITION', 'Approved already.', {
        currentStatus: 'Approved',
      }),
    });
    renderPortal('/requests/33', managerOf('J1CFRA'));
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Approve…' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Approve' }));
    expect(await within(screen.getByRole('dialog')).findByRole('alert')).toHaveTextContent('INVALID_TRANSITION');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(/Approved/));
    expect(screen.queryByRole('button', { name: 'Approve…' })).not.toBeInTheDocument();
  });

  it('gives focus back to the button that opened a dialog', async () => {
    stubApi({ 'GET /api/v1/requests/34': { body: requestDetail({ id: 34 }) } });
    renderPortal('/requests/34', managerOf('J1CFRA'));
    const user = userEvent.setup();
    const reject = await screen.findByRole('button', { name: 'Reject…' });
    await user.click(reject);
    expect(within(screen.getByRole('dialog')).getByLabelText('Reason for rejection')).toHaveFocus();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(reject).toHaveFocus());
  });

  it('reads in French when French is chosen', async () => {
    await i18n.changeLanguage('fr');
    stubApi({ 'GET /api/v1/requests/35': { body: requestDetail({ id: 35 }) } });
    renderPortal('/requests/35', managerOf('J1CFRA'));
    expect(await screen.findByRole('button', { name: 'Approuver…' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(/Demande 35\s*En attente/);
    expect(screen.getByText('Demandeur')).toBeInTheDocument();
  });
});
