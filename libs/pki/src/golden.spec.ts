import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  basicConstraintsExtension,
  buildCrl,
  issueCertificate,
  keyIdentifier,
  keyUsageExtension,
  nameToDer,
  OID,
  parseCsr,
  PROFILES,
  readCertificate,
  signCertificate,
  SoftwareSigner,
  subjectKeyIdentifierExtension,
  toPem,
} from './index';
import { fixture, openssl, scratch, URLS } from '../test/support';

// Golden vectors: fixed keys, serials and dates. RSA PKCS #1 v1.5 signatures are deterministic,
// so any change in the bytes we write shows up here. UPDATE_GOLDEN=1 rewrites the files, which
// must then be checked again with openssl before they are committed.
const GOLDEN = join(__dirname, '../test/golden');
const work = scratch();
afterAll(() => work.cleanup());

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

async function fixedCa() {
  const key = createPrivateKey(fixture('rsa3072.key'));
  const signer = new SoftwareSigner(key);
  const name = nameToDer([
    { oid: OID.organizationName, value: 'Enroll Golden' },
    { oid: OID.commonName, value: 'Golden CA' },
  ]);
  const der = await signCertificate(
    {
      serial: Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex'),
      issuerName: name,
      subjectName: name,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2036-01-01T00:00:00Z'),
      spki: signer.spki,
      extensions: [
        basicConstraintsExtension(true, 0),
        keyUsageExtension(['digitalSignature', 'keyCertSign', 'cRLSign']),
        subjectKeyIdentifierExtension(keyIdentifier(signer.spki)),
      ],
    },
    signer,
  );
  const parts = readCertificate(der);
  return {
    der,
    parts,
    authority: {
      certificate: parts.x509,
      publicKey: parts.x509.publicKey,
      subjectName: parts.subjectName,
      keyId: parts.keyId,
      signer,
    },
  };
}

describe('golden vectors', () => {
  it('issues byte-for-byte the same CA, workstation certificate and CRL', async () => {
    const ca = await fixedCa();
    golden('ca.pem', toPem('CERTIFICATE', ca.der));
    const leaf = await issueCertificate({
      profile: PROFILES.workstation,
      input: {
        commonName: '001A2B3C4D5EBFEBFBFF000906EA0001',
        organizationCode: 'J1CFRA',
        country: 'FR',
        locality: 'Paris',
      },
      subjectKey: parseCsr(fixture('rsa2048.csr')),
      authority: ca.authority,
      urls: URLS,
      now: new Date('2026-06-01T08:00:00Z'),
      serial: Buffer.from('7f00112233445566778899aabbccddee', 'hex'),
    });
    golden('workstation.pem', toPem('CERTIFICATE', leaf.der));
    const crl = await buildCrl({
      authority: ca.authority,
      crlNumber: 3n,
      thisUpdate: new Date('2026-06-02T00:00:00Z'),
      nextUpdate: new Date('2026-06-09T00:00:00Z'),
      entries: [
        {
          serial: Buffer.from('7f00112233445566778899aabbccddee', 'hex'),
          revokedAt: new Date('2026-06-01T09:00:00Z'),
          reason: 'keyCompromise',
        },
      ],
    });
    golden('crl.pem', toPem('X509 CRL', crl));
  });

  it('the golden files are accepted by openssl', () => {
    const args = [
      'verify',
      '-x509_strict',
      '-attime',
      String(Date.parse('2026-06-05T00:00:00Z') / 1000),
      '-CAfile',
      join(GOLDEN, 'ca.pem'),
    ];
    expect(openssl([...args, join(GOLDEN, 'workstation.pem')]).stdout).toMatch(/OK/);
    const revoked = openssl([
      ...args,
      '-crl_check',
      '-CRLfile',
      join(GOLDEN, 'crl.pem'),
      join(GOLDEN, 'workstation.pem'),
    ]);
    expect(revoked.stdout + revoked.stderr).toMatch(/certificate revoked/);
    expect(work).toBeDefined();
  });
});
