import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { problem, stubApi } from '../../../test/api-stub';
import { administrator, managerOf, queueItem } from '../../../test/factories';
import { renderPortal } from '../../../test/render';

const items = [
  queueItem({ id: 1 }),
  queueItem({ id: 2, kind: 'mobile' }),
  queueItem({ id: 3 }),
  queueItem({ id: 4, kind: 'server' }),
];

describe('the review queue', () => {
  it('shows pending requests first, with counts per status, and asks the API for that filter', async () => {
    const api = stubApi({
      'GET /api/v1/requests': { body: { items, nextCursor: null } },
      'GET /api/v1/requests/counts': { body: { Pending: 4, Approved: 7 } },
    });
    renderPortal('/', managerOf('J1CFRA'));
    expect(await screen.findByText('CN-1')).toBeInTheDocument();
    expect(api.callsTo('GET', '/api/v1/requests?')[0]!.path).toContain('status=Pending');
    const counts = screen.getByRole('navigation', { name: 'Requests per status' });
    expect(within(counts).getByRole('button', { name: /Pending 4/ })).toHaveAttribute('aria-pressed', 'true');
    expect(within(counts).getByRole('button', { name: /Approved 7/ })).toBeInTheDocument();
    expect(within(counts).getByRole('button', { name: /All 11/ })).toBeInTheDocument();
    // A manager is not offered an organization filter.
    expect(screen.queryByLabelText('Organization')).not.toBeInTheDocument();
  });

  it('sends the kind filter, the sort and the search to the API', async () => {
    const api = stubApi({
      'GET /api/v1/requests': { body: { items, nextCursor: null } },
      'GET /api/v1/requests/counts': { body: {} },
    });
    renderPortal('/', managerOf('J1CFRA'));
    await screen.findByText('CN-1');
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Kind'), 'mobile');
    await user.selectOptions(screen.getByLabelText('Sort'), 'oldest');
    await user.type(screen.getByLabelText('Search'), 'PC-42');
    await waitFor(() =>
      expect(
        api.calls.some(
          (c) => c.path.includes('q=PC-42') && c.path.includes('kind=mobile') && c.path.includes('sort=oldest'),
        ),
      ).toBe(true),
    );
  });

  it('pages with the cursor the API gave, and back', async () => {
    const api = stubApi({
      'GET /api/v1/requests': (call) =>
        call.path.includes('cursor=abc')
          ? { body: { items: [queueItem({ id: 9 })], nextCursor: null } }
          : { body: { items, nextCursor: 'abc' } },
      'GET /api/v1/requests/counts': { body: {} },
    });
    renderPortal('/', administrator);
    await screen.findByText('CN-1');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /Next/ }));
    expect(await screen.findByText('CN-9')).toBeInTheDocument();
    expect(screen.getByText('Page 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Next/ })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: /Previous/ }));
    expect(await screen.findByText('CN-1')).toBeInTheDocument();
    expect(api.callsTo('GET', '/api/v1/requests?').some((c) => c.path.includes('cursor=abc'))).toBe(true);
  });

  it('does not let a manager select a server request, which only an administrator decides', async () => {
    stubApi({
      'GET /api/v1/requests': { body: { items, nextCursor: null } },
      'GET /api/v1/requests/counts': { body: {} },
    });
    renderPortal('/', managerOf('J1CFRA'));
    expect(await screen.findByRole('checkbox', { name: 'Select request 4' })).toBeDisabled();
    expect(screen.getByRole('checkbox', { name: 'Select request 1' })).toBeEnabled();
  });

  it('approves three in bulk and shows a result per request, a refusal included', async () => {
    const api = stubApi({
      'GET /api/v1/requests': { body: { items, nextCursor: null } },
      'GET /api/v1/requests/counts': { body: {} },
      'POST /api/v1/requests/1/approve': { body: { ...items[0], status: 'Approved' } },
      'POST /api/v1/requests/2/approve': problem(
        409,
        'INVALID_TRANSITION',
        'A mobile request in state Cancelled cannot be approved.',
        { currentStatus: 'Cancelled' },
      ),
      'POST /api/v1/requests/3/approve': { body: { ...items[2], status: 'Approved' } },
    });
    renderPortal('/', managerOf('J1CFRA'));
    const user = userEvent.setup();
    for (const id of [1, 2, 3]) {
      await user.click(await screen.findByRole('checkbox', { name: `Select request ${id}` }));
    }
    await user.click(screen.getByRole('button', { name: 'Approve selected' }));
    const dialog = await screen.findByRole('dialog', { name: 'Approve 3 requests' });
    await user.click(within(dialog).getByRole('button', { name: 'Approve 3' }));
    const results = await within(dialog).findByRole('list', { name: 'Results' });
    const rows = within(results).getAllByRole('listitem');
    expect(rows.map((r) => r.textContent)).toEqual([
      'Request 1: ✓ Now Approved',
      'Request 2: ✗ A mobile request in state Cancelled cannot be approved.',
      'Request 3: ✓ Now Approved',
    ]);
    expect(within(dialog).getByRole('status')).toHaveTextContent('2 of 3 done, 1 refused.');
    expect(api.callsTo('POST', '/api/v1/requests/')).toHaveLength(3);
  });

  it('offers the organization filter to an administrator', async () => {
    const api = stubApi({
      'GET /api/v1/requests': { body: { items, nextCursor: null } },
      'GET /api/v1/requests/counts': { body: {} },
      'GET /api/v1/organizations': {
        body: [{ id: '1', code: 'J1CFRA', name: 'France', country: 'FR', createdAt: '2026-01-01T00:00:00Z' }],
      },
    });
    renderPortal('/', administrator);
    const user = userEvent.setup();
    await screen.findByRole('option', { name: 'J1CFRA — France' });
    await user.selectOptions(screen.getByLabelText('Organization'), 'J1CFRA');
    await waitFor(() => expect(api.calls.some((c) => c.path.includes('organizationCode=J1CFRA'))).toBe(true));
  });

  it('works without the mouse: j moves, a approves, and focus lands on the next row', async () => {
    const api = stubApi({
      'GET /api/v1/requests': { body: { items, nextCursor: null } },
      'GET /api/v1/requests/counts': { body: { Pending: 4 } },
      'POST /api/v1/requests/2/approve': { body: queueItem({ id: 2, status: 'Approved' }) },
    });
    renderPortal('/', managerOf('J1CFRA'));
    await screen.findByText('CN-1');
    const user = userEvent.setup();
    await user.keyboard('j');
    expect(screen.getByRole('link', { name: '1' })).toHaveFocus();
    await user.keyboard('jjk');
    expect(screen.getByRole('link', { name: '2' })).toHaveFocus();
    await user.keyboard('a');
    const dialog = await screen.findByRole('dialog', { name: 'Approve request 2' });
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/v1/requests/2/approve')).toHaveLength(1));
    await waitFor(() => expect(screen.getByRole('link', { name: '3' })).toHaveFocus());
    await user.keyboard('?');
    expect(await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })).toBeInTheDocument();
  });

  it('shows what people recognise: description, machine, requester, waiting time, channel', async () => {
    stubApi({
      'GET /api/v1/requests': {
        body: {
          items: [
            queueItem({
              id: 5,
              description: '\\\\fs01\\compta',
              machineName: 'PC-ACCUEIL-07',
              commonName: 'A'.repeat(60),
            }),
          ],
          nextCursor: null,
        },
      },
      'GET /api/v1/requests/counts': { body: { Pending: 1 } },
    });
    renderPortal('/', managerOf('J1CFRA'));
    expect(await screen.findByText('\\\\fs01\\compta')).toBeInTheDocument();
    expect(screen.getByText('PC-ACCUEIL-07')).toBeInTheDocument();
    expect(screen.getByText('enroll client')).toBeInTheDocument();
    expect(screen.getByText('AAAAAAAAAA…AAAAAAAAAA')).toHaveAttribute('title', 'A'.repeat(60));
    expect(screen.getByText('1 in total')).toBeInTheDocument();
  });
});
