/**
 * npm run bench:portal: the portal's initial JavaScript (gzip), the time to show a 100-row queue
 * page, and the time to show the rows found by a fragment from the middle of a name (the
 * trigram-indexed search), in Debian's Chromium against the built API and portal with 1,000,000
 * requests in PostgreSQL. Prints figures; asserts nothing.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildCsr, generatePrivateKey, OID } from '@enroll/pki';
import type { Page } from 'playwright-core';
import { launchChromium } from '../e2e/test/browser';
import { BENCH_ADMIN_PASSWORD, benchTenant, call, loadRequests, percentile, ROOT, runBench, withApi } from './support';

const DB = 'enroll_bench_portal';
const PORT = Number(process.env.BENCH_PORT ?? 3191);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const DIST = join(ROOT, 'apps/portal/dist');

/** The JavaScript the browser must fetch before the first screen: the entry script and its preloads. */
function initialJavaScript(): { files: string[]; gzipBytes: number } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/([^"]+\.js)"/g),
  ].map((m) => m[1] ?? '');
  const gzipBytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(DIST, file))).length, 0);
  return { files, gzipBytes };
}

const base = `http://127.0.0.1:${PORT}`;

/**
 * Milliseconds from the start of navigation until the table holds `rows` rows, read by the page's
 * own clock (its time origin is the navigation start), so the driver's overhead is not counted.
 */
async function timeToRows(page: Page, url: string, rows: number): Promise<number> {
  await page.goto(url);
  const shown = await page.waitForFunction(
    (n) => document.querySelectorAll('tbody tr td a.row-link').length >= n && performance.now(),
    rows,
    { polling: 'raf' },
  );
  return Number(await shown.jsonValue());
}

/**
 * Milliseconds from a click on Next (in the page) until the next page's rows are on screen.
 * A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
 */
const NEXT_PAGE = `new Promise((resolve) => {
  const first = document.querySelector('tbody tr td a')?.textContent;
  const next = [...document.querySelectorAll('button')].find((b) => b.textContent.includes('Next'));
  const t0 = performance.now();
  next.click();
  const check = () => {
    const now = document.querySelector('tbody tr td a')?.textContent;
    if (now !== first && !document.querySelector('table.loading')) {
      resolve(performance.now() - t0);
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
})`;
const timeToNextPage = (page: Page): Promise<number> => page.evaluate<number>(NEXT_PAGE);

/**
 * Fragments from the middle of names (requesters are DOMAIN\\user<g % 5000>, common names
 * host-<g>.example.org), with the rows each finds on the first page: a page load to those rows,
 * any status, as an administrator. A prefix index cannot serve them; the trigram index does.
 */
const FRAGMENTS: readonly [string, number][] = [
  ['user4242', Math.min(100, Math.floor(ROWS / 5000))],
  [`ost-${Math.floor(ROWS / 2)}`, 1],
  [`-${Math.floor(ROWS / 3)}.exa`, 1],
];

async function measureSearch(browser: Awaited<ReturnType<typeof launchChromium>>): Promise<number[]> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(BENCH_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Review queue' }).waitFor();
  const times: number[] = [];
  for (const [fragment, rows] of FRAGMENTS) {
    const mine: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      mine.push(await timeToRows(page, `${base}/?status=all&q=${encodeURIComponent(fragment)}`, rows));
    }
    const api = await page.evaluate(() => {
      const calls = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/requests?'));
      return calls[calls.length - 1]?.duration ?? Number.NaN;
    });
    console.log(
      `search "${fragment}" (${rows} rows shown): page load to rows p50 ${percentile(mine, 50).toFixed(0)} ms, p95 ${percentile(mine, 95).toFixed(0)} ms (its API call ${api.toFixed(0)} ms)`,
    );
    times.push(...mine);
  }
  await context.close();
  return times;
}

async function main(): Promise<void> {
  const js = initialJavaScript();
  console.log(`initial JavaScript: ${js.files.join(', ')} = ${(js.gzipBytes / 1024).toFixed(1)} KB gzip`);

  // A fresh database gets a fresh CA: the root key file of an earlier run would stop its creation.
  rmSync(`/tmp/enroll-bench-data-${PORT}`, { recursive: true, force: true });
  await withApi(DB, PORT, { ENROLL_CA_KEY_ALGORITHM: 'EC-P256' }, async () => {
    const { admin, pkg } = await benchTenant(PORT, ['workstation']);
    const key = await generatePrivateKey('EC-P256');
    await call(PORT, 'POST', '/api/v1/enrollment/requests', pkg, {
      kind: 'workstation',
      csr: buildCsr({ privateKey: key, subject: [{ oid: OID.commonName, value: 'A0A0A0A0A0A0A0A0' }] }),
      requestedBy: 'BENCH\\load',
    });
    const count = await loadRequests(DB, ROWS);
    await call(PORT, 'POST', '/api/v1/users', admin, {
      username: 'mgr-org3',
      password: 'bench manager password',
      role: 'manager',
      organizationCode: 'ORG3',
    });

    const browser = await launchChromium();
    try {
      const measure = async (
        username: string,
        password: string,
        path: string,
        label: string,
      ): Promise<{ cold: number[]; next: number[] }> => {
        const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
        const page = await context.newPage();
        await page.goto(`${base}/login`);
        await page.getByLabel('Username').fill(username);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Review queue' }).waitFor();
        const cold: number[] = [];
        const next: number[] = [];
        const fetches: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          cold.push(await timeToRows(page, `${base}${path}`, 100));
          // The next page inside the app: one API call and a re-render, no page load.
          next.push(await timeToNextPage(page));
          // How much of it was the API: the queue call's own duration, from Resource Timing.
          fetches.push(
            await page.evaluate(() => {
              const calls = performance
                .getEntriesByType('resource')
                .filter((e) => e.name.includes('/api/v1/requests?'));
              return calls[calls.length - 1]?.duration ?? Number.NaN;
            }),
          );
        }
        console.log(
          `${label}: page load to 100 rows p50 ${percentile(cold, 50).toFixed(0)} ms, p95 ${percentile(cold, 95).toFixed(0)} ms; next page p50 ${percentile(next, 50).toFixed(0)} ms, p95 ${percentile(next, 95).toFixed(0)} ms (its API call p50 ${percentile(fetches, 50).toFixed(0)} ms)`,
        );
        await context.close();
        return { cold, next };
      };
      const results = [
        await measure('admin', BENCH_ADMIN_PASSWORD, '/', 'administrator, pending, all organizations'),
        await measure(
          'admin',
          BENCH_ADMIN_PASSWORD,
          '/?kind=server&status=Installed',
          'administrator, installed server requests',
        ),
        await measure(
          'admin',
          BENCH_ADMIN_PASSWORD,
          '/?organization=ORG7&status=all',
          'administrator, ORG7, any status',
        ),
        // Every kind: the loaded organizations hold one kind each (g % 20 fixes g % 4), so ORG3's
        // default view (what its manager decides) may be empty.
        await measure('mgr-org3', 'bench manager password', '/?view=all', 'manager of ORG3, pending, every kind'),
      ];
      const cold = results.flatMap((r) => r.cold);
      const next = results.flatMap((r) => r.next);
      const search = await measureSearch(browser);
      console.log(
        `portal-bench: initial_js_gzip_kb=${(js.gzipBytes / 1024).toFixed(1)} queue_100_rows_ms_p50=${percentile(cold, 50).toFixed(0)} queue_100_rows_ms_p95=${percentile(cold, 95).toFixed(0)} next_page_ms_p95=${percentile(next, 95).toFixed(0)} middle_fragment_search_ms_p95=${percentile(search, 95).toFixed(0)} rows=${count}`,
      );
    } finally {
      await browser.close();
    }
  });
}

runBench(main);
