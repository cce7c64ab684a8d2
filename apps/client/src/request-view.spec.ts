import type { RequestSummary } from './api-model';
import { renderStatusTable } from './request-view';
import { formatDate, renderFields, renderTable } from './table';

const request = (overrides: Partial<RequestSummary>): RequestSummary => ({
  id: 7,
  status: 'Pending',
  kind: 'workstation',
  commonName: '0123456789ABCDEF0123456789ABCDEF',
  subject: 'CN=0123456789ABCDEF0123456789ABCDEF,OU=Workstation,O=J1CFRA,C=FR',
  submittedAt: '2026-11-24T09:05:00.000Z',
  requestedBy: 'WS-0042\\alice',
  downloadedAt: null,
  downloadedBy: null,
  enrollmentType: 'Machine',
  rejectionReason: null,
  ...overrides,
});

describe('the status table', () => {
  it('has the columns of the original client, aligned, ids right-aligned, dates in UTC', () => {
    const table = renderStatusTable([
      request({
        id: 12,
        status: 'Downloaded',
        kind: 'external',
        commonName: 'api.laposte.example',
        enrollmentType: 'External',
        downloadedAt: '2026-11-25T17:45:30Z',
        downloadedBy: 'WS-0042\\bob',
      }),
      request({}),
    ]);
    expect(table).toBe(
      [
        'Request Id  Status      Common Name                       Submission Date   Requested By   Download Date     Downloaded By  Enrollment Type',
        '----------  ----------  --------------------------------  ----------------  -------------  ----------------  -------------  ---------------',
        '        12  Downloaded  api.laposte.example               2026-11-24 09:05  WS-0042\\alice  2026-11-25 17:45  WS-0042\\bob    External',
        '         7  Pending     0123456789ABCDEF0123456789ABCDEF  2026-11-24 09:05  WS-0042\\alice                                   Machine',
        '(2 requests; dates in UTC)',
      ].join('\n'),
    );
  });

  it('adds an Expires column for the certificates installed on this device', () => {
    const table = renderStatusTable(
      [request({ id: 8, status: 'Installed' }), request({})],
      new Map([[8, '2028-11-24T09:00:00.000Z']]),
    );
    const [header, , installed, pending] = table.split('\n');
    expect(header).toMatch(/Enrollment Type {2}Expires$/);
    expect(installed).toMatch(/Machine {10}2028-11-24 09:00$/);
    expect(pending).toMatch(/Machine$/);
  });

  it('says so when there is nothing to list', () => {
    expect(renderStatusTable([])).toBe('No certificate request has been submitted through this package yet.');
  });
});

describe('table primitives', () => {
  it('keeps one row per line and lines up accented text', () => {
    const table = renderTable(
      [
        { header: 'Name', value: (r: { name: string }) => r.name },
        { header: 'X', value: () => 'x' },
      ],
      [{ name: 'Orléans' }, { name: 'two\nlines' }],
    );
    expect(table.split('\n')).toEqual(['Name       X', '---------  -', 'Orléans    x', 'two lines  x']);
  });

  it('renders fields and dates', () => {
    expect(
      renderFields([
        ['Environment', 'Production'],
        ['Store', 'machine'],
      ]),
    ).toBe('Environment  Production\nStore        machine');
    expect(formatDate(null)).toBe('');
    expect(formatDate('yesterday')).toBe('yesterday');
    expect(formatDate('2026-11-24T23:59:59+02:00')).toBe('2026-11-24 21:59');
  });
});
