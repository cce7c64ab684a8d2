import { describe, expect, it } from 'vitest';
import { formatAge, formatDn } from './format';

describe('distinguished names for people', () => {
  it('shows an e-mail kept as a DER IA5String (RFC 4514 #hex) as emailAddress=text', () => {
    const hex = Buffer.from('jdupont@laposte.example').toString('hex');
    const dn = `CN=PC-42,1.2.840.113549.1.9.1=#16${(hex.length / 2).toString(16).padStart(2, '0')}${hex},O=La Poste,C=FR`;
    expect(formatDn(dn)).toBe('CN=PC-42,emailAddress=jdupont@laposte.example,O=La Poste,C=FR');
  });

  it('leaves an unknown OID or a malformed value as it came', () => {
    expect(formatDn('CN=x,1.2.3.4=#0403010203')).toBe('CN=x,1.2.3.4=#0403010203');
    expect(formatDn('1.2.840.113549.1.9.1=#16ff00')).toBe('1.2.840.113549.1.9.1=#16ff00');
  });
});

describe('waiting times', () => {
  it('reads in the largest whole unit', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(formatAge('2026-11-29T11:00:00Z', now)).toBe('3 days');
    expect(formatAge('2026-12-02T07:00:00Z', now)).toBe('5 hours');
    expect(formatAge('2026-12-02T11:58:00Z', now)).toBe('2 minutes');
    expect(formatAge('2026-12-02T11:59:30Z', now)).toBe('just now');
  });
});
