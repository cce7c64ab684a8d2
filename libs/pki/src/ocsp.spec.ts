import {
  generatePrivateKey,
  issueCertificate,
  OcspResponder,
  parseOcspRequest,
  PROFILES,
  readCertificate,
  SoftwareSigner,
  type CertificateStatus,
  type OcspCertId,
} from './index';
import { certPem, issueFor, NOW, openssl, scratch, testCa, URLS } from '../test/support';
import { createPublicKey } from 'node:crypto';

const work = scratch();
afterAll(() => work.cleanup());

async function setup(delegated: boolean) {
  const ca = await testCa();
  const good = await issueFor(ca, 'p256.csr', 'server');
  const revoked = await issueFor(ca, 'rsa2048.csr', 'server');
  let responder: OcspResponder;
  let signerDer = ca.issuing.der;
  if (delegated) {
    const key = await generatePrivateKey('EC-P256');
    const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
    const cert = await issueCertificate({
      profile: PROFILES['ocsp-responder'],
      input: { commonName: 'Enroll OCSP Responder' },
      subjectKey: { spki, publicKey: { algorithm: 'EC', curve: 'P-256' } },
      authority: ca.authority,
      urls: URLS,
      now: NOW,
    });
    responder = new OcspResponder({
      issuer: ca.issuing,
      signer: new SoftwareSigner(key),
      responderCertificate: readCertificate(cert.der),
    });
    signerDer = cert.der;
  } else {
    responder = new OcspResponder({ issuer: ca.issuing, signer: ca.authority.signer });
  }
  const statuses = new Map<string, CertificateStatus>([
    [good.serialNumber, { status: 'good' }],
    [revoked.serialNumber, { status: 'revoked', revokedAt: new Date('2026-11-20T10:00:00Z'), reason: 'keyCompromise' }],
  ]);
  const lookup = (ids: readonly OcspCertId[]): Promise<CertificateStatus[]> =>
    Promise.resolve(ids.map((id) => statuses.get(id.serialNumber) ?? { status: 'unknown' }));
  const files = {
    issuing: work.write('issuing.pem', certPem(ca.issuing.der)),
    chain: work.write('chain.pem', certPem(ca.root.der) + certPem(ca.issuing.der)),
    good: work.write('good.pem', certPem(good.der)),
    revoked: work.write('revoked.pem', certPem(revoked.der)),
  };
  return { ca, responder, lookup, files, signerDer };
}

describe.each([false, true])('OCSP responder (delegated: %s)', (delegated) => {
  it('answers good, revoked with time and reason, and unknown; openssl verifies the signature and nonce', async () => {
    const { responder, lookup, files, ca, signerDer } = await setup(delegated);
    const reqFile = work.path(`req-${delegated}.der`);
    const ids = ['-issuer', files.issuing, '-cert', files.good, '-cert', files.revoked, '-serial', '0x0DEADBEEF0'];
    const made = openssl(['ocsp', ...ids, '-reqout', reqFile]);
    expect(made.status).toBe(0);
    const requestDer = (await import('node:fs')).readFileSync(reqFile);
    expect(parseOcspRequest(requestDer).nonce).toBeDefined();
    const response = await responder.respond(requestDer, lookup, new Date());
    const respFile = work.write(`resp-${delegated}.der`, response);
    const verifyArgs = ['ocsp', '-respin', respFile, '-CAfile', files.chain];
    // With -reqin alone, openssl checks the signature and that the nonce came back unchanged.
    // -VAfile names the signer outright; the chain is checked in full by the second run.
    const signerFile = work.write('signer.pem', certPem(signerDer));
    const signatureAndNonce = openssl(['ocsp', '-respin', respFile, '-VAfile', signerFile, '-reqin', reqFile]);
    expect(signatureAndNonce.stderr).toMatch(/Response verify OK/);
    expect(signatureAndNonce.stderr + signatureAndNonce.stdout).not.toMatch(/nonce/i);
    // With -cert, openssl builds its own request (so -no_nonce) and prints each status.
    const checked = openssl([...verifyArgs, '-no_nonce', ...ids]);
    expect(checked.stderr).toMatch(/Response verify OK/);
    expect(checked.stdout).toMatch(/good.pem: good/);
    expect(checked.stdout).toMatch(
      /revoked.pem: revoked[\s\S]*Reason: keyCompromise[\s\S]*Revocation Time: Nov 20 10:00:00 2026 GMT/,
    );
    expect(checked.stdout).toMatch(/0x0DEADBEEF0: unknown/);
    expect(ca.issuing.serialNumber).toBeTruthy();
  });

  it('answers unknown for a certificate of another CA without asking the lookup', async () => {
    const { responder, files } = await setup(delegated);
    const foreign = await testCa('EC-P256');
    const stranger = work.write('stranger.pem', certPem((await issueFor(foreign, 'p256.csr', 'server')).der));
    const reqFile = work.path('foreign-req.der');
    openssl([
      'ocsp',
      '-issuer',
      work.write('foreign.pem', certPem(foreign.issuing.der)),
      '-cert',
      stranger,
      '-reqout',
      reqFile,
    ]);
    const asked: string[] = [];
    const response = await responder.respond(
      (await import('node:fs')).readFileSync(reqFile),
      (certIds) => {
        asked.push(...certIds.map((id) => id.serialNumber));
        return Promise.resolve(certIds.map(() => ({ status: 'good' as const })));
      },
      new Date(),
    );
    expect(asked).toEqual([]);
    const text = openssl([
      'ocsp',
      '-respin',
      work.write('foreign-resp.der', response),
      '-resp_text',
      '-noverify',
    ]).stdout;
    expect(text).toMatch(/Cert Status: unknown/);
    expect(files.issuing).toBeTruthy();
  });

  it('answers a malformed request with malformedRequest, without throwing', async () => {
    const { responder, lookup } = await setup(delegated);
    const response = await responder.respond(Buffer.from('not an ocsp request'), lookup, NOW);
    const text = openssl(['ocsp', '-respin', work.write('bad.der', response), '-resp_text', '-noverify']).stdout;
    expect(text).toMatch(/Responder Error: malformedrequest \(1\)/);
  });
});

describe('parseOcspRequest', () => {
  it('refuses more than 20 certificates in one request', async () => {
    const { files } = await setup(false);
    const args = ['ocsp', '-issuer', files.issuing];
    for (let i = 0; i < 21; i++) {
      args.push('-serial', `0x${(i + 1).toString(16)}`);
    }
    const reqFile = work.path('big.der');
    openssl([...args, '-reqout', reqFile]);
    expect(() =>
      parseOcspRequest(jest.requireActual<typeof import('node:fs')>('node:fs').readFileSync(reqFile)),
    ).toThrow(expect.objectContaining({ code: 'OCSP_REQUEST_MALFORMED' }));
  });
});
