import type { RecentNotificationView, Wire } from '@enroll/contract';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stubApi } from '../../../test/api-stub';
import { managerOf } from '../../../test/factories';
import { renderPortal } from '../../../test/render';

type Recent = Wire<RecentNotificationView>;

const events: Recent[] = [
  {
    id: 43,
    event: 'certificate.expiring',
    at: '2026-12-02T10:00:00.000Z',
    requestId: 7,
    organizationCode: 'J1CFRA',
    commonName: 'PC-FRONT-01',
    serial: '0A1B2C',
  },
  {
    id: 42,
    event: 'request.rejected',
    at: '2026-12-02T09:00:00.000Z',
    requestId: 12,
    organizationCode: 'J1CFRA',
    commonName: 'PC-BACK-02',
    reason: 'Not our device',
  },
  {
    id: 41,
    event: 'request.pending',
    at: '2026-12-02T08:00:00.000Z',
    requestId: 11,
    organizationCode: 'J1CFRA',
    commonName: 'PC-SIDE-03',
  },
];

const me = managerOf('J1CFRA');
const seenKey = `enroll.notifications.seen.${me.id}`;

/** The bell, over the not-found page: no other call to answer. */
function portalWithBell(list: () => Recent[]) {
  const api = stubApi({ 'GET /api/v1/notifications/recent': () => ({ body: { items: list(), nextCursor: null } }) });
  renderPortal('/nowhere', me);
  return api;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the notification bell', () => {
  it('counts the events since it was last opened, and opens a list of them with the keyboard', async () => {
    window.localStorage.setItem(seenKey, '41');
    portalWithBell(() => events);
    const bell = await screen.findByRole('button', { name: 'Notifications: 2 new' });
    expect(bell).toHaveAttribute('aria-expanded', 'false');
    expect(bell).toHaveTextContent('2');

    const user = userEvent.setup();
    bell.focus();
    await user.keyboard('{Enter}');
    expect(bell).toHaveAttribute('aria-expanded', 'true');
    const list = screen.getByRole('region', { name: 'Recent events' });
    const links = within(list).getAllByRole('link');
    expect(links.map((l) => l.getAttribute('href'))).toEqual(['/certificates/0A1B2C', '/requests/12', '/requests/11']);
    // Focus goes into the list; the new ones say so.
    await waitFor(() => expect(links[0]).toHaveFocus());
    expect(links[0]).toHaveTextContent('Certificate 0A1B2C expires soon');
    expect(links[1]).toHaveTextContent('Request 12 rejected');
    expect(list).toHaveTextContent('Reason: Not our device');
    expect(within(list).getAllByText('New:')).toHaveLength(2);

    // Opened: nothing is new any more, and that is remembered.
    expect(window.localStorage.getItem(seenKey)).toBe('43');
    expect(screen.getByRole('button', { name: 'Notifications' })).toBe(bell);

    await user.keyboard('{Escape}');
    expect(bell).toHaveAttribute('aria-expanded', 'false');
    expect(bell).toHaveFocus();
    expect(screen.queryByRole('region', { name: 'Recent events' })).not.toBeInTheDocument();
  });

  it('follows an event to its request and closes', async () => {
    window.localStorage.setItem(seenKey, '43');
    const api = portalWithBell(() => events);
    const user = userEvent.setup();
    const bell = await screen.findByRole('button', { name: 'Notifications' });
    await waitFor(() => expect(api.callsTo('GET', '/api/v1/notifications/recent')).toHaveLength(1));
    await user.click(bell);
    await user.click(
      within(screen.getByRole('region', { name: 'Recent events' })).getByRole('link', {
        name: /Request 11 awaits a decision/,
      }),
    );
    expect(bell).toHaveAttribute('aria-expanded', 'false');
    await waitFor(() => expect(api.callsTo('GET', '/api/v1/requests/11')).not.toHaveLength(0));
  });

  it('counts everything when never opened, and says when there may be more than it holds', async () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ ...events[2]!, id: 100 - i, requestId: 100 - i }));
    portalWithBell(() => many);
    const bell = await screen.findByRole('button', { name: 'Notifications: 20 or more new' });
    expect(bell).toHaveTextContent('20+');
  });

  it('asks again every minute and counts what came', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    window.localStorage.setItem(seenKey, '43');
    let list = events;
    const api = portalWithBell(() => list);
    await screen.findByRole('button', { name: 'Notifications' });
    expect(api.callsTo('GET', '/api/v1/notifications/recent')).toHaveLength(1);
    list = [{ ...events[1]!, id: 44, requestId: 13 }, ...events];
    await act(() => vi.advanceTimersByTimeAsync(59_000));
    expect(api.callsTo('GET', '/api/v1/notifications/recent')).toHaveLength(1);
    await act(() => vi.advanceTimersByTimeAsync(1_500));
    expect(await screen.findByRole('button', { name: 'Notifications: 1 new' })).toBeInTheDocument();
    expect(api.callsTo('GET', '/api/v1/notifications/recent')).toHaveLength(2);
  });

  it('says when the events could not be loaded, without an alert on every page', async () => {
    stubApi({});
    renderPortal('/nowhere', me);
    const user = userEvent.setup();
    const bell = await screen.findByRole('button', { name: 'Notifications' });
    await user.click(bell);
    expect(await screen.findByText(/could not be loaded/)).toBeInTheDocument();
  });
});
