import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot, signIn, signOut } from './browser';
import { ADMIN_PASSWORD, api, startApi, type RunningApi } from './support';

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

/** A CSR made by openssl, as a device would: P-256 key, the CN the kind's profile expects. */
function csr(cn: string): string {
  const made = spawnSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', `/CN=${cn}`], { encoding: 'utf8' });
  if (made.status !== 0) {
    throw new Error(made.stderr);
  }
  return made.stdout;
}

let serial = 0;
const workstationCn = (): string => `E2E${String(++serial).padStart(3, '0')}AABBCCDDEEFF00112233`;

async function submit(org: string, kind: 'workstation' | 'server', cn: string): Promise<number> {
  const created = await api<{ id: number }>(server.url, 'POST', '/api/v1/enrollment/requests', tokens[org], {
    kind, csr: csr(cn), requestedBy: `${org}\\operator`, phone: '+33 1 00 00 00 00', description: `${kind} for the portal test`,
    device: kind === 'server' ? { fqdn: cn, macAddress: '00:11:22:33:44:55', osVersion: 'Debian 12', osType: '64' } : { machineName: `PC-${serial}`, macAddress: '00:11:22:33:44:66', osVersion: 'Windows 11', osType: '64' },
  });
  return created.id;
}

const statusOf = async (id: number): Promise<string> => (await api<{ status: string }>(server.url, 'GET', `/api/v1/requests/${id}`, adminToken)).status;

beforeAll(async () => {
  server = await startApi(join(work, 'api-data'));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-GB' });
  page = await context.newPage();
  adminToken = (await api<{ accessToken: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, { username: 'admin', password: ADMIN_PASSWORD })).accessToken;
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
    for (const [code, name] of [['PWORGA', 'Alpha Post'], ['PWORGB', 'Beta Telecom']] as const) {
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
    await page.getByRole('button', { name: 'Issue a user certificate for mgr-pworga' }).click();
    const issue = page.getByRole('dialog');
    await issue.getByLabel('File password').fill('p12 password 1');
    await issue.getByLabel('Password again').fill('p12 password 2');
    await issue.getByRole('button', { name: 'Issue and download' }).click();
    await issue.getByText('The two passwords differ.').waitFor();
    await issue.getByLabel('Password again').fill('p12 password 1');
    const [download] = await Promise.all([page.waitForEvent('download'), issue.getByRole('button', { name: 'Issue and download' }).click()]);
    const p12 = join(work, 'manager.p12');
    await download.saveAs(p12);
    const opened = spawnSync('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:p12 password 1', '-nokeys', '-clcerts'], { encoding: 'utf8' });
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
        const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download client file' }).click()]);
        const saved = join(work, 'client-file.json');
        await file.saveAs(saved);
        expect(JSON.parse(readFileSync(saved, 'utf8'))).toMatchObject({ format: 'enroll-client-config/1', token: tokens[code], organization: { code } });
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
    const shown = await rows.allInnerTexts();
    expect(shown.filter((r) => r.includes('PWORGA'))).toHaveLength(7);
    expect(shown.some((r) => r.includes('PWORGB'))).toBe(false);
    await expect(page.getByRole('button', { name: /^All\s*7$/ }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: `Select request ${ids.server}` }).isDisabled()).resolves.toBe(true);
    await screenshot(page, 'queue-manager-a');
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
    await expect(page.getByRole('link', { name: 'Download PEM' }).isVisible()).resolves.toBe(true);
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
    expect(await results.allInnerTexts()).toEqual([ids.w5, ids.w4, ids.w3].map((id) => `Request ${id}: ✓ Now Approved`));
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
    await page.getByRole('cell', { name: /mgr-pworga/ }).first().waitFor();
    await screenshot(page, 'admin-audit');
  });
});
