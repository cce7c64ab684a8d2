import { SecretBox } from './secret-box';
import type { AppConfig } from '../config/app-config';

/** Sealing needs only the CA passphrase of the configuration (ENROLL_CA_PASSPHRASE here). */
const box = (passphrase: string): SecretBox => new SecretBox({ caPassphrase: passphrase } as AppConfig);

describe('SecretBox', () => {
  const ours = box('the CA passphrase of this centre');

  it('seals a secret so that only the same passphrase opens it, a fresh salt and IV each time', async () => {
    const first = await ours.seal('webhook secret é');
    const second = await ours.seal('webhook secret é');
    expect(first).toMatch(/^enc1:/);
    expect(first).not.toBe(second);
    expect(await ours.open(first)).toBe('webhook secret é');
    expect(await box('the CA passphrase of this centre').open(second)).toBe('webhook secret é');
    await expect(box('another passphrase entirely').open(first)).rejects.toThrow(
      /does not open with this CA passphrase \(was ENROLL_CA_PASSPHRASE changed\?\)/,
    );
  });

  it('refuses a sealed secret that was changed, and a damaged one', async () => {
    const sealed = await ours.seal('webhook secret');
    const parts = sealed.split(':');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    await expect(ours.open(parts.join(':'))).rejects.toThrow(/does not open/);
    await expect(ours.open('enc1:AAAA:BBBB')).rejects.toThrow(/damaged/);
  });

  it('returns a secret stored before sealing as it is (the start seals those)', async () => {
    expect(SecretBox.isSealed('plain secret')).toBe(false);
    expect(await ours.open('plain secret')).toBe('plain secret');
  });
});
