/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser: the DOM types describe it there.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot, seriousViolations, signIn, signOut } from './browser';
import { ADMIN_PASSWORD, api, deviceCsr, startApi, type RunningApi } from './support';

/**
 * The portal in Debian's Chromium against the built API on PostgreSQL: administrators set up two
 * organizations through the pages, devices submit through the client endpoints, and the
 * managers decide, each seeing only their own organization.
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-portal-'));
let server: RunningApi;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let adminToken: string;

const PASSWORD = 'manager password 1';
const tokens: Record<string, string> = {};

let serial = 0;
const workstationCn = (): string => `E2E${String(++serial).padStart(3, '0')}AABBCCDDEEFF00112233`;

async function submit(org: string, kind: 'workstation' | 'server', cn: string): Promise<number> {
  const created = await api<{ id: number }>(server.url, 'POST', '/api/v1/enrollment/requests', tokens[org], {
    kind,
    csr: deviceCsr(cn),
    requestedBy: `${org}\\operator`,
    phone: '+33 1 00 00 00 00',
    description: `${kind} for the portal test`,
    device:
      kind === 'server'
        ? { fqdn: cn, macAddress: '00:11:22:33:44:55', osVersion: 'Debian 12', osType: '64' }
        : { machineName: `PC-${serial}`, macAddress: '00:11:22:33:44:66', osVersion: 'Windows 11', osType: '64' },
  });
  return created.id;
}

/** A workstation request with what people recognise it by: its requester, description and machine. */
async function submitAs(
  org: string,
  options: { cn?: string; requestedBy: string; description: string; machineName: string; email?: string },
): Promise<number> {
  const created = await api<{ id: number }>(server.url, 'POST', '/api/v1/enrollment/requests', tokens[org], {
    kind: 'workstation',
    csr: deviceCsr(options.cn ?? workstationCn(), options.email),
    requestedBy: options.requestedBy,
    description: options.description,
    device: { machineName: options.machineName, osVersion: 'Windows 11', osType: '64' },
  });
  return created.id;
}

const statusOf = async (id: number): Promise<string> =>
  (await api<{ status: string }>(server.url, 'GET', `/api/v1/requests/${id}`, adminToken)).status;

beforeAll(async () => {
  server = await startApi(join(work, 'api-data'));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-GB' });
  page = await context.newPage();
  adminToken = (
    await api<{ accessToken: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: ADMIN_PASSWORD,
    })
  ).accessToken;
});
afterAll(async () => {
  await browser.close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

const ids: Record<string, number> = {};
let step = 0;
// The page as each test left it: when a test fails, this shows what the person would have seen.
afterEach(async () => {
  await screenshot(page, `step-${String(++step)}-end`);
});

describe('the portal in a browser', () => {
  it('an administrator creates two organizations, a manager for each and their packages', async () => {
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Organizations' }).click();
    await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();
    for (const [code, name] of [
      ['PWORGA', 'Alpha Post'],
      ['PWORGB', 'Beta Telecom'],
    ] as const) {
      await page.getByLabel('Code').fill(code);
      await page.getByLabel('Name').fill(name);
      await page.getByLabel('Country').fill('fr');
      await page.getByRole('button', { name: 'Create organization' }).click();
      await page.getByRole('cell', { name: code, exact: true }).waitFor();
    }
    await screenshot(page, 'admin-organizations');

    await page.getByRole('link', { name: 'Managers' }).click();
    await page.getByRole('heading', { name: 'Managers', level: 1 }).waitFor();
    for (const code of ['PWORGA', 'PWORGB']) {
      await page.getByLabel('Username').fill(`mgr-${code.toLowerCase()}`);
      await page.getByLabel('Initial password').fill(PASSWORD);
      await page.getByLabel('Organization').selectOption(code);
      await page.getByRole('button', { name: 'Create user' }).click();
      await page.getByRole('cell', { name: `mgr-${code.toLowerCase()}`, exact: true }).waitFor();
    }
    await screenshot(page, 'admin-managers');

    // A manager's user certificate: the password typed twice, then a PKCS #12 that openssl opens.
    await page.getByRole('button', { name: 'Issue a user certificate… for mgr-pworga' }).click();
    const issue = page.getByRole('dialog');
    await issue.getByLabel('File password').fill('p12 password 1');
    await issue.getByLabel('Password again').fill('p12 password 2');
    await issue.getByRole('button', { name: 'Issue and download' }).click();
    await issue.getByText('The two passwords differ.').waitFor();
    await issue.getByLabel('Password again').fill('p12 password 1');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      issue.getByRole('button', { name: 'Issue and download' }).click(),
    ]);
    const p12 = join(work, 'manager.p12');
    await download.saveAs(p12);
    const opened = spawnSync(
      'openssl',
      ['pkcs12', '-in', p12, '-passin', 'pass:p12 password 1', '-nokeys', '-clcerts'],
      { encoding: 'utf8' },
    );
    expect(opened.status).toBe(0);
    expect(opened.stdout).toMatch(/subject=.*mgr-pworga/);

    await page.getByRole('link', { name: 'Packages' }).click();
    await page.getByRole('heading', { name: 'Enrollment packages', level: 1 }).waitFor();
    for (const code of ['PWORGA', 'PWORGB']) {
      await page.getByLabel('Organization').selectOption(code);
      await page.getByLabel('server').check();
      await page.getByRole('button', { name: 'Create package' }).click();
      const token = page.getByLabel('Token');
      await token.waitFor();
      tokens[code] = await token.inputValue();
      expect(tokens[code].length).toBeGreaterThan(20);
      if (code === 'PWORGA') {
        await screenshot(page, 'admin-package-created');
        // The client file, offered this once: what `enroll init` loads, with the token in it.
        const [file] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Download client file' }).click(),
        ]);
        const saved = join(work, 'client-file.json');
        await file.saveAs(saved);
        expect(JSON.parse(readFileSync(saved, 'utf8'))).toMatchObject({
          format: 'enroll-client-config/1',
          token: tokens[code],
          organization: { code },
        });
      }
      await page.getByRole('button', { name: 'Done' }).click();
    }
    await expect(page.getByRole('button', { name: /^Disable/ }).count()).resolves.toBe(2);
    await screenshot(page, 'admin-packages');

    // A third package, disabled at once: its token is refused from then on.
    await page.getByLabel('Organization').selectOption('PWORGB');
    await page.getByLabel('Environment').fill('Retired');
    await page.getByRole('button', { name: 'Create package' }).click();
    const retired = await page.getByLabel('Token').inputValue();
    await page.getByRole('button', { name: 'Done' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Disable the Retired package of PWORGB' }).click();
    await page.getByText(/^Disabled /).waitFor();
    await api(server.url, 'GET', '/api/v1/enrollment/requests', retired, undefined, [403]);
    await signOut(page);
  });

  it('manager A sees only organization A in the queue and its counts', async () => {
    for (const name of ['w1', 'w2', 'w3', 'w4', 'w5', 'w6']) {
      ids[name] = await submit('PWORGA', 'workstation', workstationCn());
    }
    ids.server = await submit('PWORGA', 'server', 'gateway.alpha.example');
    ids.foreign = await submit('PWORGB', 'workstation', workstationCn());

    await signIn(page, server.url, 'mgr-pworga', PASSWORD);
    await expect(page.getByText('Manager of PWORGA').isVisible()).resolves.toBe(true);
    const rows = page.getByRole('row');
    await page.getByRole('link', { name: String(ids.w1), exact: true }).waitFor();
    // The manager's own view: what they decide, their six workstations, none of organization B.
    const shown = await rows.allInnerTexts();
    expect(shown.filter((r) => r.includes('PWORGA\\operator'))).toHaveLength(6);
    expect(shown.some((r) => r.includes('PWORGB'))).toBe(false);
    await expect(page.getByRole('button', { name: /^All\s*6$/ }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'queue-manager-a');
    // The server request waits for the centre, under its own heading; the manager cannot select it.
    await page.getByRole('button', { name: 'Waiting for the centre' }).click();
    await page.getByRole('link', { name: String(ids.server), exact: true }).waitFor();
    await expect(page.getByRole('button', { name: /^All\s*1$/ }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: `Select request ${ids.server}` }).isDisabled()).resolves.toBe(true);
    await screenshot(page, 'queue-manager-a-centre');
    await page.getByRole('button', { name: 'To decide' }).click();
    await page.getByRole('link', { name: String(ids.w1), exact: true }).waitFor();
    await page.setViewportSize({ width: 820, height: 1180 });
    await screenshot(page, 'queue-manager-a-tablet');
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('manager A approves one, rejects one with a reason, and revokes one', async () => {
    await page.goto(`${server.url}/requests/${ids.w1}`);
    await page.getByRole('region', { name: 'Certificate signing request', exact: true }).waitFor();
    await screenshot(page, 'detail-pending');
    await page.getByRole('button', { name: 'Approve…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('region', { name: 'Certificate', exact: true }).waitFor();
    await expect(page.getByRole('link', { name: 'PEM (certificate and chain)' }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'detail-approved');
    expect(await statusOf(ids.w1!)).toBe('Approved');

    await page.goto(`${server.url}/requests/${ids.w2}`);
    await page.getByRole('button', { name: 'Reject…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.getByText('A rejection needs a reason.').waitFor();
    await dialog.getByLabel('Reason for rejection').fill('Unknown device: not in the inventory');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('Unknown device: not in the inventory').first().waitFor();
    expect(await statusOf(ids.w2!)).toBe('Rejected');

    await page.goto(`${server.url}/requests/${ids.w1}`);
    await page.getByRole('button', { name: 'Revoke…' }).click();
    await page.getByRole('dialog').getByLabel('Revocation reason').selectOption('keyCompromise');
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('heading', { name: /Revoked/ }).waitFor();
    expect(await statusOf(ids.w1!)).toBe('Revoked');
    await screenshot(page, 'detail-revoked');
  });

  it("manager A cannot open organization B's request by its address", async () => {
    await page.goto(`${server.url}/requests/${ids.foreign}`);
    await page.getByRole('heading', { name: `Request ${ids.foreign} not found` }).waitFor();
    await expect(page.getByRole('button', { name: /Approve/ }).count()).resolves.toBe(0);
  });

  it('manager A is not offered the server request', async () => {
    await page.goto(`${server.url}/requests/${ids.server}`);
    await page.getByText('Requests of kind server are decided by a centre administrator.').waitFor();
    await expect(page.getByRole('button', { name: /Approve/ }).count()).resolves.toBe(0);
  });

  it('bulk approval of three requests shows three results', async () => {
    await page.goto(`${server.url}/`);
    for (const name of ['w3', 'w4', 'w5']) {
      await page.getByRole('checkbox', { name: `Select request ${ids[name]}` }).check();
    }
    await page.getByRole('button', { name: 'Approve selected' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve 3 requests' });
    await dialog.getByRole('button', { name: 'Approve 3' }).click();
    const results = dialog.getByRole('list', { name: 'Results' }).getByRole('listitem');
    await dialog.getByText('3 of 3 done.').waitFor();
    expect(await results.allInnerTexts()).toEqual(
      [ids.w5, ids.w4, ids.w3].map((id) => `Request ${id}: ✓ Now Approved`),
    );
    await screenshot(page, 'queue-bulk-results');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    for (const name of ['w3', 'w4', 'w5']) {
      expect(await statusOf(ids[name]!)).toBe('Approved');
    }
    await signOut(page);
  });

  it('an administrator approves the server request that manager A was not offered', async () => {
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${server.url}/requests/${ids.server}`);
    await page.getByRole('button', { name: 'Approve…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('region', { name: 'Certificate', exact: true }).waitFor();
    expect(await statusOf(ids.server!)).toBe('Approved');
    await page.getByRole('link', { name: 'Certificates' }).click();
    await page.getByRole('heading', { name: 'Certificates' }).waitFor();
    await page.getByRole('cell', { name: 'gateway.alpha.example' }).waitFor();
    await screenshot(page, 'certificates');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page
      .getByRole('cell', { name: /mgr-pworga/ })
      .first()
      .waitFor();
    await screenshot(page, 'admin-audit');
  });
});

/** Issue 14: each bug it lists, the daily work of an approver, French, the overview, accessibility. */
describe('the portal for people who approve all day', () => {
  const UNC =
    '\\\\fs01.laposte.example\\partage\\comptabilite\\2026\\exercice-cloture\\justificatifs-numerises-du-service-financier-central';
  const more: Record<string, number> = {};

  beforeAll(async () => {
    more.jd = await submitAs('PWORGA', {
      requestedBy: 'LAPOSTE\\jdupont',
      description: UNC,
      machineName: 'PC-COMPTA-07',
      email: 'jdupont@laposte.example',
    });
    for (const name of ['k1', 'k2', 'k3']) {
      more[name] = await submitAs('PWORGA', {
        requestedBy: `LAPOSTE\\${name}`,
        description: `Poste ${name}`,
        machineName: `PC-${name.toUpperCase()}`,
      });
    }
    // The same CN again cancels the first: its reason is a cancellation's.
    const cn = workstationCn();
    more.cancelled = await submitAs('PWORGA', {
      cn,
      requestedBy: 'LAPOSTE\\twice',
      description: 'first',
      machineName: 'PC-TWICE',
    });
    more.again = await submitAs('PWORGA', {
      cn,
      requestedBy: 'LAPOSTE\\twice',
      description: 'second',
      machineName: 'PC-TWICE',
    });
    more.race = await submitAs('PWORGA', {
      requestedBy: 'LAPOSTE\\race',
      description: 'decided elsewhere',
      machineName: 'PC-RACE',
    });
    await signOut(page);
    await signIn(page, server.url, 'mgr-pworga', PASSWORD);
  });

  it('serves the main script compressed and titles each page', async () => {
    const encodings: Record<string, string | undefined> = {};
    page.on('response', (response) => {
      if (/\/assets\/index-[^/]+\.js$/.test(response.url())) {
        encodings[response.url()] = response.headers()['content-encoding'];
      }
    });
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Review queue', level: 1 }).waitFor();
    expect(Object.values(encodings)).toEqual(['br']);
    expect(await page.title()).toBe('Review queue · Enroll');
    await page.goto(`${server.url}/requests/${more.jd}`);
    await page.getByRole('heading', { name: new RegExp(`^Request ${more.jd}`), level: 1 }).waitFor();
    expect(await page.title()).toBe(`Request ${more.jd} · Enroll`);
  });

  it('finds LAPOSTE\\jdupont by jdupont, and shows what people recognise', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Search').fill('jdupont');
    const row = page.getByRole('row').filter({ hasText: 'PC-COMPTA-07' });
    // The search runs once typing pauses: then only the one request is left.
    await page.waitForFunction(
      () => document.querySelectorAll('tbody tr').length === 1 && location.search.includes('q=jdupont'),
    );
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('LAPOSTE\\jdupont');
    expect(text).toMatch(/just now|minute|hour/);
    expect(text).toContain('enroll client');
    await expect(page.getByText('1 in total').isVisible()).resolves.toBe(true);
    await page.getByLabel('Search').fill('COMPTA-0');
    await page.getByRole('link', { name: String(more.jd), exact: true }).waitFor();
    await screenshot(page, 'queue-search-jdupont');
    await page.getByLabel('Search').fill('');
  });

  it('keeps a 60-character fingerprint on one line at tablet width (820 px)', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto(`${server.url}/`);
    const cell = page.getByRole('row').filter({ hasText: 'PC-K1' }).locator('td.nowrap .truncated').first();
    await cell.waitFor();
    const box = await cell.boundingBox();
    expect(box!.height).toBeLessThan(40);
    await screenshot(page, 'queue-tablet');
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('shows the e-mail of a subject as text and keeps a long description inside its card', async () => {
    await page.goto(`${server.url}/requests/${more.jd}`);
    const csrPanel = page.getByRole('region', { name: 'Certificate signing request', exact: true });
    await csrPanel.getByText('emailAddress=jdupont@laposte.example').waitFor();
    expect(await page.getByText('1.2.840.113549.1.9.1').count()).toBe(0);
    const summary = page.getByRole('region', { name: 'Request', exact: true });
    const fits = await summary.evaluate((card) => card.scrollWidth <= card.clientWidth + 1);
    expect(fits).toBe(true);
    const [cardBox, description] = [await summary.boundingBox(), await summary.getByText(UNC).boundingBox()];
    expect(description!.x + description!.width).toBeLessThanOrEqual(cardBox!.x + cardBox!.width + 1);
    await screenshot(page, 'detail-long-description');
  });

  it('says at once that /requests/abc is no request, and names a cancellation reason as such', async () => {
    await page.goto(`${server.url}/requests/abc`);
    await page.getByText('There is no request “abc”').waitFor({ timeout: 5000 });
    expect(await page.getByText('Loading…').count()).toBe(0);
    await page.goto(`${server.url}/requests/${more.cancelled}`);
    await page.getByText('Cancellation reason').waitFor();
    expect(await page.getByText('Rejection reason').count()).toBe(0);
  });

  it('after a refused decision, shows the request as it now is, without Approve or Reject', async () => {
    await page.goto(`${server.url}/requests/${more.race}`);
    await page.getByRole('button', { name: 'Reject…' }).waitFor();
    // Someone else decides it meanwhile.
    await api(server.url, 'POST', `/api/v1/requests/${more.race}/approve`, adminToken, {});
    await page.getByRole('button', { name: 'Reject…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason for rejection').fill('not ours');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.getByRole('alert').getByText('INVALID_TRANSITION').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: /Approved/, level: 1 }).waitFor();
    await expect(page.getByRole('button', { name: /Approve|Reject/ }).count()).resolves.toBe(0);
  });

  it('returns focus to what opened a dialog', async () => {
    await page.goto(`${server.url}/requests/${more.k3}`);
    const reject = page.getByRole('button', { name: 'Reject…' });
    await reject.click();
    await expect(
      page
        .getByRole('dialog')
        .getByLabel('Reason for rejection')
        .evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.activeElement?.textContent === 'Reject…');
  });

  it('works through the queue without the mouse: open, approve and next, reject with a reason', async () => {
    await page.goto(`${server.url}/?sort=oldest&q=LAPOSTE%5Ck`);
    await page.getByRole('link', { name: String(more.k1), exact: true }).waitFor();
    await page.locator('body').focus();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await screenshot(page, 'queue-shortcuts');
    await page.keyboard.press('Escape');
    // j moves to the first row (k1), Enter opens it.
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: new RegExp(`^Request ${more.k1}`), level: 1 }).waitFor();
    // Approve and next: the submit button has focus in the dialog, Enter confirms.
    await page.getByRole('button', { name: 'Approve and next…' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: new RegExp(`^Request ${more.k2}`), level: 1 }).waitFor();
    expect(await statusOf(more.k1!)).toBe('Approved');
    // Back to the queue: the filters are still there; r rejects with the reason field focused.
    await page.getByRole('link', { name: 'Review queue' }).first().focus();
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: String(more.k2), exact: true }).waitFor();
    // The cached list may still show k1 for a moment: wait for the queue as it now is.
    await page.getByRole('link', { name: String(more.k1), exact: true }).waitFor({ state: 'detached' });
    expect(page.url()).toContain('q=LAPOSTE');
    await page.keyboard.press('j');
    await page.keyboard.press('r');
    const reason = page.getByRole('dialog').getByLabel('Reason for rejection');
    await expect(reason.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.type('Unknown machine');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await statusOf(more.k2!)).toBe('Rejected');
    // Focus went to the next row, not to the page body.
    await page.waitForFunction(() => document.activeElement?.classList.contains('row-link') === true);
  });

  it('shows new requests without reloading, with a quiet badge', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: String(more.k3), exact: true }).waitFor();
    more.late = await submitAs('PWORGA', {
      requestedBy: 'LAPOSTE\\late',
      description: 'arrived while reading',
      machineName: 'PC-LATE',
    });
    const badge = page.getByRole('status').filter({ hasText: '1 new request' });
    await badge.waitFor({ timeout: 25_000 });
    await screenshot(page, 'queue-new-badge');
    await badge.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('link', { name: String(more.late), exact: true }).waitFor();
  });

  it('shows the audit log readable: target, whole actions, details in words, filters and CSV', async () => {
    await signOut(page);
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${server.url}/audit`);
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByLabel('Action').fill('request.revoke');
    const row = page.getByRole('row').filter({ hasText: 'Revoked a certificate' }).first();
    await row.waitFor();
    const cells = await row.getByRole('cell').allInnerTexts();
    expect(cells[3]).toContain(`Request ${ids.w1}`);
    expect(cells.join(' ')).not.toContain('{"');
    await page.getByLabel('Action').fill('');
    await page.getByLabel('Action').fill('package.disable');
    const disabled = page.getByRole('row').filter({ hasText: 'Disabled a package' }).first();
    await disabled.waitFor();
    expect((await disabled.getByRole('cell').allInnerTexts())[3]).not.toBe('—');
    // An action stays on one line.
    const action = disabled.locator('td.action');
    expect(await action.evaluate((cell) => getComputedStyle(cell).whiteSpace)).toBe('nowrap');
    await screenshot(page, 'audit-filtered');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    const file = join(work, 'audit.csv');
    await download.saveAs(file);
    const csvText = readFileSync(file, 'utf8');
    expect(csvText).toContain('package.disable');
    expect(csvText).not.toContain('request.approve');
  });

  it('draws the overview charts, and the administrator sees what waits for the centre', async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const charts = page.locator('.chart canvas');
    await charts.first().waitFor();
    expect(await charts.count()).toBeGreaterThanOrEqual(2);
    const size = await charts.first().evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
    expect(size[0]).toBeGreaterThan(100);
    expect(size[1]).toBeGreaterThan(100);
    await page
      .getByRole('link', { name: String(more.jd) })
      .or(page.getByText(`Request ${more.jd}`))
      .first()
      .waitFor();
    await screenshot(page, 'dashboard-en');
    await page.goto(`${server.url}/?view=centre&status=all`);
    await page.getByRole('link', { name: String(ids.server), exact: true }).waitFor();
  });

  it('finds a certificate by a fragment of its name and opens its detail, decoded, with its request', async () => {
    await page.goto(`${server.url}/certificates?status=`);
    await page.getByLabel('Search').fill('alpha.exam');
    const link = page.getByRole('row').filter({ hasText: 'gateway.alpha.example' }).getByRole('link').first();
    await link.waitFor();
    await link.click();
    await page.getByText('SHA-256').waitFor();
    await page
      .getByRole('link', { name: `Request ${ids.server}` })
      .first()
      .waitFor();
    await screenshot(page, 'certificate-detail-en');
  });

  it('has no serious or critical accessibility violation on any page, and a screenshot of each in English', async () => {
    const pages: [string, string][] = [
      ['queue', '/'],
      ['request', `/requests/${more.jd}`],
      ['certificates', '/certificates'],
      ['dashboard', '/dashboard'],
      ['audit', '/audit'],
      ['organizations', '/organizations'],
      ['managers', '/managers'],
      ['packages', '/packages'],
      ['notifications', '/notifications'],
    ];
    const found: string[] = [];
    for (const [name, path] of pages) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      found.push(...(await seriousViolations(page)).map((v) => `${name}: ${v}`));
      await screenshot(page, `page-${name}-en`);
    }
    await signOut(page);
    found.push(...(await seriousViolations(page)).map((v) => `login: ${v}`));
    await screenshot(page, 'page-login-en');
    expect(found).toEqual([]);
  });

  it('signs in and works in French for a browser that asks for fr-FR', async () => {
    const french = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR' });
    const fr = await french.newPage();
    try {
      await fr.goto(`${server.url}/login`);
      await fr.getByRole('button', { name: 'Se connecter' }).waitFor();
      expect(await fr.evaluate(() => document.documentElement.lang)).toBe('fr');
      await screenshot(fr, 'page-login-fr');
      await signIn(fr, server.url, 'mgr-pworga', PASSWORD, 'fr');
      await fr.getByRole('button', { name: 'En attente du centre' }).waitFor();
      await fr.getByRole('columnheader', { name: /Demandeur/ }).waitFor();
      expect(await fr.title()).toBe('File de validation · Enroll');
      for (const [name, path] of [
        ['queue', '/'],
        ['request', `/requests/${more.jd}`],
        ['certificates', '/certificates'],
        ['dashboard', '/dashboard'],
      ] as const) {
        await fr.goto(`${server.url}${path}`);
        await fr.getByRole('heading', { level: 1 }).first().waitFor();
        await fr.waitForLoadState('networkidle');
        expect(await seriousViolations(fr)).toEqual([]);
        await screenshot(fr, `page-${name}-fr`);
      }
      await fr.goto(`${server.url}/requests/${more.jd}`);
      await fr.getByText('Demandeur').first().waitFor();
      // The language can be switched, and the choice is kept.
      await fr.getByLabel('Langue').selectOption('en');
      await fr.getByText('Requested by').first().waitFor();
      await fr.reload();
      await fr.getByText('Requested by').first().waitFor();
    } finally {
      await french.close();
    }
  });
});
