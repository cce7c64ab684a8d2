import { buildCrl, issueCertificate, parseCsr, PROFILES, serialFromHex, type RevocationReason } from './index';
import { certPem, fixture, issueFor, NOW, openssl, scratch, testCa, URLS } from '../test/support';

const work = scratch();
afterAll(() => work.cleanup());

describe('buildCrl', () => {
  it('builds a v2 CRL that openssl verifies, with number, AKI and reasons', async () => {
    const ca = await testCa();
    const reasons: RevocationReason[] = [
      'keyCompromise',
      'superseded',
      'unspecified',
      'cessationOfOperation',
      'affiliationChanged',
    ];
    const entries = reasons.map((reason, i) => ({
      serial: Buffer.from([0x80 + i, 1, 2, 3]),
      revokedAt: new Date(NOW.getTime() - i * 1000),
      reason,
    }));
    const crl = await buildCrl({
      authority: ca.authority,
      crlNumber: 42n,
      thisUpdate: NOW,
      nextUpdate: new Date(NOW.getTime() + 3_600_000),
      entries,
    });
    const crlFile = work.write('a.crl', crl);
    const result = openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      crlFile,
      '-noout',
      '-text',
      '-CAfile',
      work.write('issuing.pem', certPem(ca.issuing.der)),
    ]);
    expect(result.stderr).toMatch(/verify OK/);
    expect(result.stdout).toMatch(/Version 2/);
    expect(result.stdout).toMatch(/X509v3 CRL Number:\s+42/);
    expect(result.stdout).toMatch(/X509v3 Authority Key Identifier/);
    expect(result.stdout).toMatch(/Serial Number: 80010203[\s\S]*Key Compromise/);
    expect(result.stdout).toMatch(/Serial Number: 81010203[\s\S]*Superseded/);
    expect(result.stdout).toMatch(/Serial Number: 84010203[\s\S]*Affiliation Changed/);
    expect(result.stdout.match(/CRL Reason Code/g)).toHaveLength(4);
  });

  it('makes openssl verify -crl_check fail for a revoked certificate and pass for another', async () => {
    const ca = await testCa();
    const revoked = await issueFor(ca, 'p256.csr', 'server');
    const good = await issueFor(ca, 'rsa2048.csr', 'server');
    const crl = await buildCrl({
      authority: ca.authority,
      crlNumber: 1n,
      thisUpdate: NOW,
      nextUpdate: new Date(NOW.getTime() + 3_600_000),
      entries: [
        { serial: serialFromHex(revoked.serialNumber) ?? Buffer.alloc(0), revokedAt: NOW, reason: 'keyCompromise' },
      ],
    });
    const pemCrl = openssl(['crl', '-inform', 'DER', '-outform', 'PEM'], crl).stdout;
    const args = [
      'verify',
      '-crl_check',
      '-attime',
      String(NOW.getTime() / 1000 + 60),
      '-CAfile',
      work.write('chain.pem', certPem(ca.root.der) + certPem(ca.issuing.der)),
      '-CRLfile',
      work.write('b.crl', pemCrl),
    ];
    const bad = openssl([...args, work.write('revoked.pem', certPem(revoked.der))]);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/certificate revoked/);
    expect(openssl([...args, work.write('good.pem', certPem(good.der))]).status).toBe(0);
  });

  it('builds an empty CRL without a revokedCertificates field', async () => {
    const ca = await testCa();
    const crl = await buildCrl({
      authority: ca.authority,
      crlNumber: 7n,
      thisUpdate: NOW,
      nextUpdate: new Date(NOW.getTime() + 60_000),
      entries: [],
    });
    const text = openssl(['crl', '-inform', 'DER', '-noout', '-text'], crl).stdout;
    expect(text).toMatch(/No Revoked Certificates/);
  });

  it('is unaffected by leading zero bytes of a serial', async () => {
    const ca = await testCa();
    const csr = parseCsr(fixture('p256.csr'));
    const issued = await issueCertificate({
      profile: PROFILES.server,
      input: { commonName: 'api.example.org' },
      subjectKey: csr,
      authority: ca.authority,
      urls: URLS,
      now: NOW,
      serial: Buffer.from('00ff00000000000000000000000000aa', 'hex'),
    });
    expect(issued.serialNumber).toBe('FF00000000000000000000000000AA');
    const crl = await buildCrl({
      authority: ca.authority,
      crlNumber: 2n,
      thisUpdate: NOW,
      nextUpdate: new Date(NOW.getTime() + 60_000),
      entries: [
        { serial: Buffer.from('00ff00000000000000000000000000aa', 'hex'), revokedAt: NOW, reason: 'superseded' },
      ],
    });
    expect(openssl(['crl', '-inform', 'DER', '-noout', '-text'], crl).stdout).toMatch(
      /Serial Number: FF00000000000000000000000000AA/,
    );
  });
});
