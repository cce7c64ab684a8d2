import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { buildCsr } from '../csr-builder';
import { asn1, Class, Type, children, encode, fromDer, octets, toBinary } from '../der';
import { generatePrivateKey } from '../ca';
import { OID } from '../oids';
import { openssl, scratch } from '../../test/support';
import { CmsError, type FailInfo } from './asn1';
import { decryptEnvelopedData, encryptEnvelopedData, forgeRsaKey } from './enveloped-data';
import { buildCertRep, challengePasswordOf, parseScepRequest, peekScepRequest, SCEP_OID } from './scep';
import { base64Lines, csrAttributes, decodeBase64Body } from './est';
import { buildSignedData, certsOnly, keySigner, parseSignedData } from './signed-data';

/**
 * The SCEP message layer, one fixture per pitfall a trial hit with real clients: a constructed
 * eContent (Go fails), signed attributes signed in the given order instead of DER SET OF order
 * (Go re-sorts, the signature fails), an absent eContent on PENDING/FAILURE (OpenSSL fails).
 * OpenSSL's `cms` is the independent judge of what is built here; a PKCSReq captured from
 * Debian's scepclient (SHA-1 + DES) is the judge of what is read.
 */
const FIXTURES = join(__dirname, 'fixtures');
const raPem = readFileSync(join(FIXTURES, 'ra.pem'), 'utf8');
const raDer = Buffer.from(new X509Certificate(raPem).raw);
const raKey = createPrivateKey(readFileSync(join(FIXTURES, 'ra.key')));
const recipient = { certificate: raDer, forgeKey: forgeRsaKey(raKey) };
const raSigner = keySigner(raDer, raKey);
const captured = readFileSync(join(FIXTURES, 'scepclient-pkcsreq.der'));
const files = scratch();
afterAll(() => files.cleanup());

/** A self-signed requester certificate, as a SCEP client makes for its first PKCSReq. */
function selfSigned(key: forge.pki.rsa.PrivateKey, publicKey: forge.pki.rsa.PublicKey): Buffer {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3_600_000);
  cert.setSubject([{ name: 'commonName', value: 'requester' }]);
  cert.setIssuer([{ name: 'commonName', value: 'requester' }]);
  cert.sign(key, forge.md.sha256.create());
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}

let requesterKey: ReturnType<typeof createPrivateKey>;
let requesterCert: Buffer;
let csrDer: Buffer;
beforeAll(async () => {
  requesterKey = await generatePrivateKey('RSA-2048');
  const forgeKey = forgeRsaKey(requesterKey);
  requesterCert = selfSigned(forgeKey, forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e));
  const pem = buildCsr({ privateKey: requesterKey, subject: [{ oid: OID.commonName, value: 'IMEI-unit-0001' }] });
  csrDer = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
});

/** A PKCSReq as a client builds it (our builder plays the client; the captured one plays Go's). */
async function pkcsReq(
  options: { content?: Buffer; cipher?: 'aes-256-cbc' | 'des-ede3-cbc'; messageType?: string } = {},
): Promise<Buffer> {
  return buildSignedData({
    content: options.content ?? encryptEnvelopedData(csrDer, raDer, options.cipher ?? 'aes-256-cbc'),
    certificates: [requesterCert],
    signer: keySigner(requesterCert, requesterKey),
    digest: 'sha256',
    attributes: [
      {
        type: SCEP_OID.messageType,
        value: asn1.create(Class.UNIVERSAL, Type.PRINTABLESTRING, false, options.messageType ?? '19'),
      },
      { type: SCEP_OID.transactionID, value: asn1.create(Class.UNIVERSAL, Type.PRINTABLESTRING, false, 'tid-0001') },
      { type: SCEP_OID.senderNonce, value: octets(randomBytes(16)) },
    ],
  });
}

const failInfoOf = (run: () => unknown): FailInfo | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof CmsError) {
      return error.failInfo;
    }
    throw error;
  }
  return undefined;
};

/** The EncapsulatedContentInfo of a SignedData ContentInfo: [type, [0] EXPLICIT eContent?]. */
const encapsulated = (der: Buffer) => children(children(children(fromDer(toBinary(der)))[1])[0])[2];

describe('reading a PKCSReq', () => {
  it('reads the one micromdm scepclient sends (SHA-1, DES-CBC), with its challenge', () => {
    const request = parseScepRequest(captured, recipient);
    expect(request).toMatchObject({ messageType: 'PKCSReq', digest: 'sha1', cipher: 'des-cbc' });
    expect(request.transactionId.length).toBeGreaterThan(0);
    expect(request.senderNonce).toHaveLength(16);
    expect(challengePasswordOf(request.csr ?? Buffer.alloc(0))).toBe('scep-fixture-challenge');
  });

  it('reads AES and 3DES envelopes, and says which the client used', async () => {
    for (const cipher of ['aes-256-cbc', 'des-ede3-cbc'] as const) {
      const request = parseScepRequest(await pkcsReq({ cipher }), recipient);
      expect(request.cipher).toBe(cipher);
      expect(request.csr).toEqual(csrDer);
    }
  });

  it('reads BER: an OpenSSL -stream signature (indefinite lengths, a constructed eContent)', () => {
    const key = files.write('req.key', requesterKey.export({ format: 'pem', type: 'pkcs8' }));
    const cert = files.write('req.pem', new X509Certificate(requesterCert).toString());
    const data = files.write('data.bin', randomBytes(3000));
    const signed = openssl([
      'cms',
      '-sign',
      '-binary',
      '-nodetach',
      '-stream',
      '-in',
      data,
      '-signer',
      cert,
      '-inkey',
      key,
      '-outform',
      'DER',
      '-out',
      files.path('ber.der'),
    ]);
    expect(signed.status).toBe(0);
    const ber = readFileSync(files.path('ber.der'));
    expect(ber[1]).toBe(0x80); // indefinite length: BER, not DER
    expect(parseSignedData(ber).content).toEqual(readFileSync(data));
  });

  it('refuses what does not check out with the protocol failInfo, never an untyped error', async () => {
    const good = await pkcsReq();
    const tampered = Buffer.from(good);
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0xff; // in the signature
    expect(failInfoOf(() => parseScepRequest(tampered, recipient))).toBe('badMessageCheck');
    expect(failInfoOf(() => parseScepRequest(Buffer.from('not a cms message'), recipient))).toBe('badMessageCheck');
    expect(failInfoOf(() => parseScepRequest(good.subarray(0, good.length - 40), recipient))).toBe('badMessageCheck');
    // Encrypted to another certificate (a client holding an old GetCACert).
    const other = await pkcsReq({ content: encryptEnvelopedData(csrDer, requesterCert, 'aes-256-cbc') });
    expect(failInfoOf(() => parseScepRequest(other, recipient))).toBe('badMessageCheck');
    const unknownType = await pkcsReq({ messageType: '99' });
    expect(failInfoOf(() => parseScepRequest(unknownType, recipient))).toBe('badRequest');
  });

  it('a key transport with bad padding fails like any undecryptable content (implicit rejection, no padding oracle)', () => {
    const envelope = encryptEnvelopedData(csrDer, raDer, 'aes-256-cbc');
    const tree = fromDer(toBinary(envelope));
    const recipientInfo = children(children(children(children(tree)[1])[0])[1])[0];
    const encryptedKey = children(recipientInfo)[3];
    if (!encryptedKey) {
      throw new Error('no encryptedKey');
    }
    encryptedKey.value = toBinary(randomBytes(256));
    let message = '';
    try {
      decryptEnvelopedData(encode(tree), recipient);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('The pkcsPKIEnvelope does not decrypt.');
  });

  it('peeks the transaction of a message whose signature fails, to answer it a FAILURE', async () => {
    const tampered = Buffer.from(await pkcsReq());
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0xff;
    expect(peekScepRequest(tampered)?.transactionId).toBe('tid-0001');
    expect(peekScepRequest(Buffer.from('junk'))).toBeUndefined();
  });
});

describe('building a CertRep', () => {
  const request = () => parseScepRequest(captured, recipient);

  it('pitfall 1: the eContent is one primitive OCTET STRING (Go cannot read a constructed one)', async () => {
    const certRep = await buildCertRep({
      request: request(),
      status: 'SUCCESS',
      certificates: [raDer],
      signer: raSigner,
    });
    const eContent = children(encapsulated(certRep))[1];
    const octetString = children(eContent)[0];
    expect(octetString?.type).toBe(Type.OCTETSTRING);
    expect(octetString?.constructed).toBe(false);
  });

  it('pitfall 2: the signed attributes are in DER SET OF order, and OpenSSL verifies the signature', async () => {
    const certRep = await buildCertRep({ request: request(), status: 'PENDING', signer: raSigner });
    const signerInfo = children(children(children(children(fromDer(toBinary(certRep)))[1])[0])[4])[0];
    const encoded = children(children(signerInfo)[3]).map(encode);
    const sorted = [...encoded].sort((x, y) => Buffer.compare(x, y));
    expect(encoded).toEqual(sorted);
    const verified = openssl(
      ['cms', '-verify', '-inform', 'DER', '-noverify', '-binary', '-out', files.path('pending.out')],
      certRep,
    );
    expect(verified.stderr).toContain('Verification successful');
    expect(parseSignedData(certRep).signer.attributes.find((a) => a.type === SCEP_OID.pkiStatus)).toBeDefined();
  });

  it('pitfall 3: PENDING and FAILURE keep an empty eContent (OpenSSL-based clients need it)', async () => {
    for (const status of ['PENDING', 'FAILURE'] as const) {
      const certRep = await buildCertRep({ request: request(), status, failInfo: 'badRequest', signer: raSigner });
      const eContent = children(encapsulated(certRep))[1];
      expect(eContent?.tagClass).toBe(Class.CONTEXT_SPECIFIC);
      expect(children(eContent)[0]?.value).toBe('');
      const verified = openssl(
        ['cms', '-verify', '-inform', 'DER', '-noverify', '-binary', '-out', files.path(`${status}.out`)],
        certRep,
      );
      expect(verified.stderr).toContain('Verification successful');
    }
  });

  it('SUCCESS: the certificate, encrypted to the requester with 3DES when it asked with DES, which OpenSSL decrypts', async () => {
    const certRep = await buildCertRep({
      request: request(),
      status: 'SUCCESS',
      certificates: [raDer],
      signer: raSigner,
    });
    const envelope = parseSignedData(certRep).content;
    const decrypted = openssl(
      [
        'cms',
        '-decrypt',
        '-inform',
        'DER',
        '-inkey',
        join(FIXTURES, 'requester.key'),
        '-binary',
        '-out',
        files.path('certs.p7'),
      ],
      envelope,
    );
    expect(decrypted.stderr).toBe('');
    const printed = openssl(['pkcs7', '-inform', 'DER', '-in', files.path('certs.p7'), '-print_certs']);
    expect(printed.stdout).toContain('SCEP RA fixture');
    expect(openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], envelope).stdout).toContain('des-ede3-cbc');
  });
});

describe('EST encodings', () => {
  it('base64 in lines of 64 that openssl base64 -d reads back', () => {
    const der = certsOnly([raDer]);
    const text = base64Lines(der);
    expect(Math.max(...text.split('\r\n').map((l) => l.length))).toBe(64);
    expect(openssl(['base64', '-d'], text.replace(/\r/g, '')).stdout.length).toBeGreaterThan(0);
    expect(decodeBase64Body(text)).toEqual(der);
    expect(decodeBase64Body('%%%')).toBeUndefined();
  });

  it('certs-only keeps the order given (SCEP clients take the first as the RA)', () => {
    const out = openssl(['pkcs7', '-inform', 'DER', '-print_certs'], certsOnly([raDer, requesterCert])).stdout;
    expect(out.indexOf('SCEP RA fixture')).toBeLessThan(out.indexOf('requester'));
  });

  it('CsrAttrs parses, with the extension request for host kinds only', () => {
    expect(openssl(['asn1parse', '-inform', 'DER'], csrAttributes({ extensionRequest: true })).stdout).toContain(
      'Extension Request',
    );
    expect(openssl(['asn1parse', '-inform', 'DER'], csrAttributes()).stdout).not.toContain('Extension Request');
  });
});
