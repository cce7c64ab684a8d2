import { join } from 'node:path';
import type { ClientConfig } from '../client-config';
import { saveCaChain, saveConfig } from '../config-store';
import { clientPaths } from '../paths';
import { saveRecord } from '../request-records';
import { startContractApi, wireRequest, type ContractApi } from '../test-support/contract-api';
import { cli, REQUESTER, scratch } from '../test-support/harness';
import { closedPort, packageFile } from '../test-support/package-file';
import { makeTestCa } from '../test-support/test-ca';

/**
 * What `enroll get` says and how it exits for each state the API can answer (the contract's
 * answers, served over HTTP by test-support/contract-api.ts): news that a person must act on
 * (rejected, revoked here) exits 4 the first time it is said, and only then; a cancellation (the
 * requester's own resubmission) is said once and exits 0.
 */
describe('enroll get, rejected, cancelled and revoked requests', () => {
  const files = scratch();
  let api: ContractApi;
  let config: ClientConfig;
  let caChain: string;

  const home = async (name: string): Promise<string> => {
    const folder = files.path(name);
    const paths = clientPaths({ ENROLL_HOME: folder }, folder);
    await saveConfig(paths, config);
    await saveCaChain(paths, caChain);
    return folder;
  };
  const get = (folder: string, ...extra: string[]) => cli(folder, ['get', '--requested-by', REQUESTER, ...extra]);

  beforeAll(async () => {
    caChain = (await makeTestCa()).chainPem;
    api = await startContractApi(caChain);
    const mtls = `https://127.0.0.1:${await closedPort()}`;
    config = packageFile(api.url, mtls);
  });
  afterEach(() => {
    api.requests.length = 0;
  });
  afterAll(async () => {
    await api.close();
    files.cleanup();
  });

  it('exits 0 when nothing needs anyone: pending requests only', async () => {
    api.requests.push(wireRequest(1, 'Pending'));
    const result = await get(await home('pending'));
    expect(result).toMatchObject({ code: 0, stdout: 'Request Id 1 is waiting for approval (Pending).\n' });
  });

  it('says a rejection and a cancellation with their reasons and exits 4; the next run says nothing of them and exits 0', async () => {
    api.requests.push(
      wireRequest(2, 'Rejected', { rejectionReason: 'Unknown \u001b[31mdevice\u001b[0m.' }),
      wireRequest(3, 'Cancelled', { rejectionReason: 'Superseded by request 4.' }),
      wireRequest(4, 'Pending'),
    );
    const folder = await home('refused');
    const first = await get(folder);
    expect(first.code).toBe(4);
    expect(first.stdout).toBe(
      [
        'Request Id 2 was rejected: Unknown device.',
        'Request Id 3 was cancelled: Superseded by request 4.',
        'Request Id 4 is waiting for approval (Pending).',
        '',
      ].join('\n'),
    );
    const again = await get(folder, '--json');
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({
      needsAttention: [],
      outcomes: [
        { id: 2, action: 'rejected', known: true },
        { id: 3, action: 'cancelled', known: true },
        { id: 4, action: 'pending' },
      ],
    });
    // A cancellation alone is said once, and exits 0: the requester's own resubmission made it.
    api.requests.push(wireRequest(9, 'Cancelled', { rejectionReason: 'Superseded by request 4.' }));
    const cancelled = await get(folder);
    expect(cancelled).toMatchObject({ code: 0 });
    expect(cancelled.stdout).toContain('Request Id 9 was cancelled: Superseded by request 4.');
    expect((await get(folder)).stdout).not.toContain('Request Id 9');
    // A new refusal is news again, the old ones are not.
    api.requests.push(wireRequest(5, 'Rejected', { rejectionReason: 'Duplicate.' }));
    const third = await get(folder);
    expect(third).toMatchObject({ code: 4 });
    expect(third.stdout).toContain('Request Id 5 was rejected: Duplicate.');
    expect(third.stdout).not.toContain('Request Id 2');
  });

  it('says that a certificate installed here was revoked (exit 4, once), not one revoked from here by enroll revoke', async () => {
    const folder = await home('revoked');
    const paths = clientPaths({ ENROLL_HOME: folder }, folder);
    const installed = {
      at: '2026-11-03T10:00:00.000Z',
      store: 'machine' as const,
      folder: join(folder, 'machine-store', 'request-6'),
      serialNumber: '0A1B',
      notAfter: '2028-11-03T10:00:00.000Z',
    };
    const record = {
      packageId: config.packageId,
      kind: 'workstation' as const,
      commonName: '0123456789ABCDEF',
      submittedAt: '2026-11-02T09:30:00.000Z',
      requestedBy: REQUESTER,
      installed,
    };
    await saveRecord(paths, { ...record, id: 6 });
    await saveRecord(paths, { ...record, id: 7, revoked: { at: '2026-11-04T10:00:00.000Z', reason: 'superseded' } });
    api.requests.push(wireRequest(6, 'Revoked'), wireRequest(7, 'Revoked'), wireRequest(8, 'Revoked'));
    const first = await get(folder);
    expect(first.code).toBe(4);
    expect(first.stdout).toBe(
      'The certificate of request Id 6, installed on this device, is revoked: it no longer authenticates this device; submit a new request (`enroll submit`).\n',
    );
    const again = await get(folder);
    expect(again).toMatchObject({ code: 0, stdout: 'Nothing new: every certificate is up to date.\n' });
  });
});
