import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { stubApi } from '../../../test/api-stub';
import { administrator } from '../../../test/factories';
import { renderPortal } from '../../../test/render';

const pkg = {
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  organizationCode: 'J1CFRA',
  environment: 'Production',
  store: 'machine',
  kinds: ['workstation'],
  renewal: 'automatic',
  renewalSameKey: false,
  createdAt: '2026-11-02T09:00:00.000Z',
  disabledAt: null,
  label: 'Accounting PCs, Bern',
  createdBy: 'admin',
  lastUsedAt: null,
  requestsMade: 1234,
};

describe('the packages page', () => {
  it('tells packages apart (label, maker, last use, requests) and offers the client to download', async () => {
    stubApi({
      'GET /api/v1/packages': { body: [pkg] },
      'GET /api/v1/organizations': { body: [] },
    });
    renderPortal('/packages', administrator);
    const row = await screen.findByRole('row', { name: /Accounting PCs, Bern/ });
    expect(within(row).getByText(/by admin/)).toBeInTheDocument();
    expect(within(row).getByText('never')).toBeInTheDocument();
    expect(within(row).getByText('1,234')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download the enroll client (enroll.cjs)' })).toHaveAttribute(
      'href',
      '/downloads/enroll.cjs',
    );
  });
});
