import { generateKeyPairSync } from 'node:crypto';
import { checkExternalCsr, readExternalCsr, viewExternalCsr } from './external-csr';
import { CliError, EXIT } from './errors';
import { openssl, scratch } from './test-support/harness';

const files = scratch();
const rsaKey = files.write(
  'rsa.key',
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);
const ecKey = files.write(
  'ec.key',
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
);
afterAll(() => {
  files.cleanup();
});

/** A CSR made by `openssl req`, the way an administrator makes one on another server. */
function opensslCsr(key: string, cn: string, ...addext: string[]): string {
  const result = openssl([
    'req',
    '-new',
    '-key',
    key,
    '-subj',
    `/C=FR/O=J1CFRA/CN=${cn}`,
    ...addext.flatMap((ext) => ['-addext', ext]),
  ]);
  expect(result.status).toBe(0);
  return result.stdout;
}

const RSA_KU = 'keyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment';

function refusal(pem: string): CliError {
  try {
    checkExternalCsr(readExternalCsr(pem, 'server.csr'));
  } catch (error) {
    if (error instanceof CliError) {
      return error;
    }
    throw error;
  }
  throw new Error('the CSR was accepted');
}

describe('the local check of external CSRs', () => {
  it('accepts an openssl CSR asking for exactly the external usages, and shows its fields', () => {
    const pem = opensslCsr(rsaKey, 'api.laposte.example', RSA_KU, 'extendedKeyUsage=serverAuth');
    const csr = readExternalCsr(pem, 'server.csr');
    expect(() => {
      checkExternalCsr(csr);
    }).not.toThrow();
    expect(viewExternalCsr(csr)).toEqual({
      commonName: 'api.laposte.example',
      subject: 'CN=api.laposte.example, O=J1CFRA, C=FR',
      subjectRfc4514: 'CN=api.laposte.example,O=J1CFRA,C=FR',
      publicKey: 'RSA 2048 bits',
      signatureAlgorithm: 'SHA256 with RSA',
      keyUsage: ['digitalSignature', 'keyEncipherment', 'dataEncipherment'],
      extendedKeyUsage: ['serverAuth'],
      subjectAltNames: [],
    });
  });

  it('refuses clientAuth, naming the expected extended key usage', () => {
    const error = refusal(opensslCsr(rsaKey, 'api.laposte.example', RSA_KU, 'extendedKeyUsage=clientAuth'));
    expect(error.code).toBe('EKU_MISMATCH');
    expect(error.exitCode).toBe(EXIT.failed);
    expect(error.message).toMatch(/exactly these extended key usages: serverAuth \(it asks for clientAuth\)/);
  });

  it('refuses serverAuth with clientAuth too: exactly means exactly', () => {
    expect(
      refusal(opensslCsr(rsaKey, 'api.laposte.example', RSA_KU, 'extendedKeyUsage=serverAuth,clientAuth')).code,
    ).toBe('EKU_MISMATCH');
  });

  it('refuses missing or extra key usages, naming the expected ones', () => {
    const missing = refusal(
      opensslCsr(
        rsaKey,
        'api.laposte.example',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
      ),
    );
    expect(missing.code).toBe('KEY_USAGE_MISMATCH');
    expect(missing.message).toMatch(/dataEncipherment, digitalSignature, keyEncipherment/);
    expect(refusal(opensslCsr(rsaKey, 'api.laposte.example', 'extendedKeyUsage=serverAuth')).message).toMatch(
      /it asks for none/,
    );
  });

  it('expects digitalSignature and keyAgreement for EC keys (RFC 8813)', () => {
    const good = opensslCsr(
      ecKey,
      'api.laposte.example',
      'keyUsage=critical,digitalSignature,keyAgreement',
      'extendedKeyUsage=serverAuth',
    );
    expect(() => {
      checkExternalCsr(readExternalCsr(good, 'ec.csr'));
    }).not.toThrow();
    expect(refusal(opensslCsr(ecKey, 'api.laposte.example', RSA_KU, 'extendedKeyUsage=serverAuth')).message).toMatch(
      /digitalSignature, keyAgreement/,
    );
  });

  it('refuses a common name that is not a DNS name, and a file that is no CSR', () => {
    expect(refusal(opensslCsr(rsaKey, 'not_a_host', RSA_KU, 'extendedKeyUsage=serverAuth')).code).toBe(
      'SUBJECT_INVALID',
    );
    expect(refusal('hello').code).toBe('CSR_MALFORMED');
  });
});
