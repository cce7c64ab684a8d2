import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { stubApi } from '../../../test/api-stub';
import { administrator, managerOf } from '../../../test/factories';
import { renderPortal } from '../../../test/render';

const expiring = {
  generatedAt: '2026-12-02T10:00:00.000Z',
  total: { within1Day: 1, within7Days: 3, within30Days: 9 },
  organizations: [
    { organizationCode: 'J1CFRA', organizationName: 'La Poste', within1Day: 1, within7Days: 2, within30Days: 5 },
    { organizationCode: 'K2DEU', organizationName: 'Deutsche Post', within1Day: 0, within7Days: 1, within30Days: 4 },
  ],
};

describe('the certificates page', () => {
  it('shows what expires within 1, 7 and 30 days per organization, each count opening its list', async () => {
    const api = stubApi({
      'GET /api/v1/certificates/expiring': { body: expiring },
      'GET /api/v1/certificates': { body: { items: [], nextCursor: null } },
      'GET /api/v1/organizations': { body: [] },
    });
    renderPortal('/certificates', administrator);
    const panel = await screen.findByRole('region', { name: 'Expiring soon, not yet renewed' });
    const row = await within(panel).findByRole('row', { name: /K2DEU/ });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['0', '1', '4']);
    // A zero is not a link: there is nothing to open.
    expect(within(row).queryByRole('link', { name: /within 1 days/ })).not.toBeInTheDocument();
    const total = within(panel).getByRole('row', { name: /All organizations/ });
    expect(
      within(total)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['1', '3', '9']);

    await userEvent
      .setup()
      .click(within(row).getByRole('link', { name: 'K2DEU: 4 expiring within 30 days, not yet renewed' }));
    await waitFor(() => {
      const last = api.callsTo('GET', '/api/v1/certificates?').at(-1)!.path;
      expect(last).toContain('renewed=false');
      expect(last).toContain('organizationCode=K2DEU');
      expect(last).toContain('status=valid');
      expect(last).toMatch(/expiringBefore=\d{4}-/);
    });
    expect(screen.getByRole('checkbox', { name: 'Not yet renewed only' })).toBeChecked();
  });

  it("gives a manager its organization's counts only, and says when nothing needs a renewal", async () => {
    stubApi({
      'GET /api/v1/certificates/expiring': {
        body: {
          generatedAt: expiring.generatedAt,
          total: { within1Day: 0, within7Days: 0, within30Days: 0 },
          organizations: [],
        },
      },
      'GET /api/v1/certificates': { body: { items: [], nextCursor: null } },
    });
    renderPortal('/certificates', managerOf('J1CFRA'));
    expect(await screen.findByText('No certificate needs a renewal within 30 days.')).toBeInTheDocument();
  });

  it('names the counts in French', async () => {
    stubApi({
      'GET /api/v1/certificates/expiring': {
        body: { ...expiring, organizations: [expiring.organizations[0]], total: expiring.organizations[0] },
      },
      'GET /api/v1/certificates': { body: { items: [], nextCursor: null } },
    });
    const { i18n } = await import('../../../i18n');
    await i18n.changeLanguage('fr');
    try {
      renderPortal('/certificates', managerOf('J1CFRA'));
      const panel = await screen.findByRole('region', { name: 'Expirent bientôt, pas encore renouvelés' });
      expect(await within(panel).findByRole('columnheader', { name: 'Sous 7 jours' })).toBeInTheDocument();
      expect(
        within(panel).getAllByRole('link', { name: 'J1CFRA : 5 expirant sous 30 jours, pas encore renouvelés' }),
      ).toHaveLength(1);
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
