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
  it('has the columns of the original client, then the kind, aligned, ids right-aligned, dates in UTC', () => {
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
        'Request Id  Status      Common Name                       Submission Date   Requested By   Download Date     Downloaded By  Enrollment Type  Kind',
        '----------  ----------  --------------------------------  ----------------  -------------  ----------------  -------------  ---------------  -----------',
        '        12  Downloaded  api.laposte.example               2026-11-24 09:05  WS-0042\\alice  2026-11-25 17:45  WS-0042\\bob    External         external',
        '         7  Pending     0123456789ABCDEF0123456789ABCDEF  2026-11-24 09:05  WS-0042\\alice                                   Machine          workstation',
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
    expect(header).toMatch(/Enrollment Type {2}Kind {9}Expires$/);
    expect(installed).toMatch(/Machine {10}workstation {2}2028-11-24 09:00$/);
    expect(pending).toMatch(/Machine {10}workstation$/);
  });

  it('fits the width given: columns empty in every row go, then the widest free text is cut with an ellipsis', () => {
    const rows = [
      request({ id: 12, requestedBy: 'LAPOSTE-CORP\\a.very.long.account.name' }),
      request({ id: 7, status: 'Cancelled' }),
    ];
    expect(
      Math.max(
        ...renderStatusTable(rows)
          .split('\n')
          .map((line) => line.length),
      ),
    ).toBeGreaterThan(140);
    expect(renderStatusTable(rows, new Map(), 100)).toBe(
      [
        'Request Id  Status     Common Name    Submission Date   Requested By    Enrollment Type  Kind',
        '----------  ---------  -------------  ----------------  --------------  ---------------  -----------',
        '        12  Pending    0123456789AB…  2026-11-24 09:05  LAPOSTE-CORP\\…  Machine          workstation',
        '         7  Cancelled  0123456789AB…  2026-11-24 09:05  WS-0042\\alice   Machine          workstation',
        '(2 requests; dates in UTC)',
      ].join('\n'),
    );
    // Narrower: the optional columns go (Enrollment Type here) before a date or a state is cut.
    const narrow = renderStatusTable(rows, new Map(), 80).split('\n');
    expect(Math.max(...narrow.map((line) => line.length))).toBeLessThanOrEqual(80);
    expect(narrow[2]).toBe('        12  Pending    0123456789A…  2026-11-24 09:05  LAPOSTE-COR…  workstation');
    // Narrower than anything readable: headers, then any column, are cut down to 8 characters.
    const tiny = renderStatusTable(rows, new Map(), 40).split('\n');
    expect(tiny[2]).toBe('      12  Pending   0123456…  2026-11…  LAPOSTE…  worksta…');
    // Wide enough: nothing changes.
    expect(renderStatusTable(rows, new Map(), 200)).toBe(renderStatusTable(rows));
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
