import type { WebhookDeliveryView, WebhookView, Wire } from '@enroll/contract';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { problem, stubApi } from '../../../test/api-stub';
import { administrator, managerOf } from '../../../test/factories';
import { renderPortal } from '../../../test/render';

// The page is a lazy chunk: its first render may take a while on a busy machine.
const slow = { timeout: 5000 };

const tickets: Wire<WebhookView> = {
  id: '7b0c8a43-4d5e-4f3a-9d55-0b6a0f1c2d3e',
  url: 'https://tickets.example/hooks/enroll',
  events: ['request.pending', 'certificate.expiring'],
  createdBy: 'admin',
  createdAt: '2026-12-01T09:00:00.000Z',
};

const failing: Wire<WebhookDeliveryView> = {
  id: 9,
  eventId: 314,
  event: 'request.pending',
  status: 'pending',
  attempts: 3,
  lastAttemptAt: '2026-12-02T10:00:00.000Z',
  lastError: 'HTTP 500',
  sentAt: null,
  nextAttemptAt: '2026-12-02T10:02:00.000Z',
};
const delivered: Wire<WebhookDeliveryView> = {
  id: 8,
  eventId: 313,
  event: 'certificate.expiring',
  status: 'sent',
  attempts: 1,
  lastAttemptAt: '2026-12-02T09:00:00.000Z',
  lastError: null,
  sentAt: '2026-12-02T09:00:01.000Z',
  nextAttemptAt: null,
};

const recent = { body: { items: [], nextCursor: null } };
const mailOff = { body: { mail: { enabled: false, from: null } } };

describe('the notifications page', () => {
  it('says plainly when nothing is mailed', async () => {
    stubApi({
      'GET /api/v1/notifications/recent': recent,
      'GET /api/v1/notifications/settings': mailOff,
      'GET /api/v1/webhooks': { body: { items: [], nextCursor: null } },
    });
    renderPortal('/notifications', administrator);
    const mail = await screen.findByRole('region', { name: 'E-mail' }, slow);
    expect(await within(mail).findByText(/nothing is mailed/)).toBeInTheDocument();
    expect(screen.getByText('No webhook is registered.')).toBeInTheDocument();
    expect(document.title).toBe('Notifications · Enroll');
  });

  it('names the sender when mail is on', async () => {
    stubApi({
      'GET /api/v1/notifications/recent': recent,
      'GET /api/v1/notifications/settings': { body: { mail: { enabled: true, from: 'enroll@ca.example' } } },
      'GET /api/v1/webhooks': { body: { items: [], nextCursor: null } },
    });
    renderPortal('/notifications', administrator);
    const mail = await screen.findByRole('region', { name: 'E-mail' }, slow);
    expect(await within(mail).findByText('Notifications are mailed from enroll@ca.example.')).toBeInTheDocument();
    expect(within(mail).queryByText(/nothing is mailed/)).not.toBeInTheDocument();
  });

  it('creates a webhook with the events checked, after checking the form', async () => {
    let hooks: Wire<WebhookView>[] = [];
    const api = stubApi({
      'GET /api/v1/notifications/recent': recent,
      'GET /api/v1/notifications/settings': mailOff,
      'GET /api/v1/webhooks': () => ({ body: { items: hooks, nextCursor: null } }),
      'POST /api/v1/webhooks': (call) => {
        hooks = [{ ...tickets, ...(call.body as object) }];
        return { status: 201, body: hooks[0] };
      },
    });
    renderPortal('/notifications', administrator);
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'New webhook' }, slow);
    await user.click(within(form).getByRole('button', { name: 'Add the webhook' }));
    expect(await within(form).findByText('Enter the URL.')).toBeInTheDocument();
    expect(within(form).getByText('Choose at least one event.')).toBeInTheDocument();
    expect(within(form).getByText('Enter a secret.')).toBeInTheDocument();

    await user.type(within(form).getByLabelText('URL'), 'ftp://tickets.example/');
    await user.type(within(form).getByLabelText('Secret'), 'short');
    await user.click(within(form).getByRole('button', { name: 'Add the webhook' }));
    expect(await within(form).findByText('Enter an http:// or https:// URL.')).toBeInTheDocument();
    expect(within(form).getByText('The secret has 16 to 256 characters.')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/webhooks')).toHaveLength(0);

    await user.clear(within(form).getByLabelText('URL'));
    await user.type(within(form).getByLabelText('URL'), tickets.url);
    await user.type(within(form).getByLabelText('Secret'), ' and long enough now');
    await user.click(within(form).getByRole('checkbox', { name: 'Request pending' }));
    await user.click(within(form).getByRole('checkbox', { name: 'Certificate expiring' }));
    await user.click(within(form).getByRole('button', { name: 'Add the webhook' }));

    expect(await screen.findByRole('status')).toHaveTextContent(`Webhook added: ${tickets.url}.`);
    expect(api.callsTo('POST', '/api/v1/webhooks')[0]!.body).toEqual({
      url: tickets.url,
      events: ['request.pending', 'certificate.expiring'],
      secret: 'short and long enough now',
    });
    const list = await screen.findByRole('list', { name: 'Webhooks' });
    expect(within(list).getByRole('heading', { name: tickets.url })).toBeInTheDocument();
    expect(within(list).getByText(/Request pending, Certificate expiring/)).toBeInTheDocument();
    expect(within(form).getByLabelText<HTMLInputElement>('URL').value).toBe('');
  });

  it("shows the API's refusal of a URL", async () => {
    stubApi({
      'GET /api/v1/notifications/recent': recent,
      'GET /api/v1/notifications/settings': mailOff,
      'GET /api/v1/webhooks': { body: { items: [], nextCursor: null } },
      'POST /api/v1/webhooks': problem(400, 'VALIDATION_FAILED', 'url must be an http:// or https:// URL.', {
        errors: [{ field: 'url', problems: ['url must be an http:// or https:// URL'] }],
      }),
    });
    renderPortal('/notifications', administrator);
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'New webhook' }, slow);
    await user.type(within(form).getByLabelText('URL'), 'https://x');
    await user.type(within(form).getByLabelText('Secret'), 'a secret of sixteen');
    await user.click(within(form).getByRole('checkbox', { name: 'Request approved' }));
    await user.click(within(form).getByRole('button', { name: 'Add the webhook' }));
    expect(await within(form).findByText('url must be an http:// or https:// URL')).toBeInTheDocument();
  });

  it('deletes a webhook only once confirmed, and keeps focus on the page', async () => {
    let hooks = [tickets];
    const api = stubApi({
      'GET /api/v1/notifications/recent': recent,
      'GET /api/v1/notifications/settings': mailOff,
      'GET /api/v1/webhooks': () => ({ body: { items: hooks, nextCursor: null } }),
      [`DELETE /api/v1/webhooks/${tickets.id}`]: () => {
        hooks = [];
        return { status: 204 };
      },
    });
    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(false).mockReturnValue(true);
    renderPortal('/notifications', administrator);
    const user = userEvent.setup();
    const remove = await screen.findByRole('button', { name: `Delete of ${tickets.url}` }, slow);
    await user.click(remove);
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining(`Delete the webhook ${tickets.url}?`));
    expect(api.callsTo('DELETE', '/api/v1/webhooks/')).toHaveLength(0);

    await user.click(remove);
    expect(await screen.findByRole('status')).toHaveTextContent(`Webhook deleted: ${tickets.url}.`);
    expect(api.callsTo('DELETE', `/api/v1/webhooks/${tickets.id}`)).toHaveLength(1);
    expect(await screen.findByText('No webhook is registered.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Webhooks' })).toHaveFocus();
  });

  it("shows a webhook's deliveries and their attempts on demand", async () => {
    const api = stubApi({
      'GET /api/v1/notifications/recent': recent,
      'GET /api/v1/notifications/settings': mailOff,
      'GET /api/v1/webhooks': { body: { items: [tickets], nextCursor: null } },
      [`GET /api/v1/webhooks/${tickets.id}/deliveries`]: { body: { items: [failing, delivered], nextCursor: null } },
    });
    renderPortal('/notifications', administrator);
    const user = userEvent.setup();
    const show = await screen.findByRole('button', { name: `Show deliveries of ${tickets.url}` }, slow);
    expect(show).toHaveAttribute('aria-expanded', 'false');
    expect(api.callsTo('GET', `/api/v1/webhooks/${tickets.id}/deliveries`)).toHaveLength(0);
    await user.click(show);
    expect(show).toHaveAttribute('aria-expanded', 'true');
    const table = await screen.findByRole('table', { name: `Deliveries to ${tickets.url}` });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('Request pending');
    expect(rows[1]).toHaveTextContent('314');
    expect(rows[1]).toHaveTextContent('Pending');
    expect(rows[1]).toHaveTextContent('HTTP 500');
    expect(within(rows[1]!).getAllByRole('cell')[3]).toHaveTextContent('3');
    expect(rows[2]).toHaveTextContent('Certificate expiring');
    expect(rows[2]).toHaveTextContent('Delivered');
    await user.click(screen.getByRole('button', { name: `Hide deliveries of ${tickets.url}` }));
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('is in the navigation of administrators only, and refused to a manager', async () => {
    stubApi({ 'GET /api/v1/notifications/recent': recent });
    renderPortal('/notifications', managerOf('J1CFRA'));
    expect(await screen.findByRole('heading', { name: 'Administrators only' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('link', { name: 'Notifications' })).not.toBeInTheDocument();
  });

  it('is reached from the navigation by an administrator', async () => {
    stubApi({
      'GET /api/v1/notifications/recent': recent,
      'GET /api/v1/notifications/settings': mailOff,
      'GET /api/v1/webhooks': { body: { items: [], nextCursor: null } },
    });
    renderPortal('/nowhere', administrator);
    const user = userEvent.setup();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    await user.click(within(nav).getByRole('link', { name: 'Notifications' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Notifications' }, slow)).toBeInTheDocument();
    await waitFor(() => expect(within(nav).getByRole('link', { name: 'Notifications' })).toHaveClass('active'));
  });
});
