import type { Detail } from '../api/requests';

/** Signature algorithms by OID (RFC 5758, RFC 4055), for people; an unknown one shows its OID. */
const SIGNATURES: Readonly<Record<string, string>> = {
  '1.2.840.10045.4.3.2': 'ECDSA with SHA-256',
  '1.2.840.10045.4.3.3': 'ECDSA with SHA-384',
  '1.2.840.10045.4.3.4': 'ECDSA with SHA-512',
  '1.2.840.113549.1.1.11': 'RSA with SHA-256',
  '1.2.840.113549.1.1.12': 'RSA with SHA-384',
  '1.2.840.113549.1.1.13': 'RSA with SHA-512',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
};

/** One requested list (key usages, EKUs) set against what the profile gives. */
function UsageRow({ label, requested, profile }: { label: string; requested: readonly string[] | undefined; profile: readonly string[] }) {
  const asked = requested ?? [];
  const extra = asked.filter((u) => !profile.includes(u));
  const missing = asked.length > 0 ? profile.filter((u) => !asked.includes(u)) : [];
  const differs = extra.length > 0 || missing.length > 0;
  return (
    <>
      <dt>{label}</dt>
      <dd className={differs ? 'differs' : undefined}>
        {asked.length === 0 ? <span className="muted">not requested</span> : asked.map((u) => (
          <span key={u} className={extra.includes(u) ? 'tag tag-differs' : 'tag'} title={extra.includes(u) ? 'Not in the profile' : undefined}>
            {u}
            {extra.includes(u) && <span className="visually-hidden"> (not in the profile)</span>}
          </span>
        ))}
        {differs && (
          <div className="differs-note" role="note">
            Differs from the {label.toLowerCase()} of the profile: {profile.join(', ') || 'none'}.{' '}
            {missing.length > 0 && <>Missing: {missing.join(', ')}. </>}
            The certificate gets the profile's.
          </div>
        )}
      </dd>
    </>
  );
}

/** The decoded CSR, with what differs from the profile of the request's kind highlighted. */
export function CsrPanel({ request }: { request: Detail }) {
  const { csr, profile } = request;
  const key = csr.publicKey;
  const ext = csr.requestedExtensions;
  const knownOids = ['2.5.29.15', '2.5.29.37', '2.5.29.19', '2.5.29.17'];
  const otherOids = ext.oids.filter((o) => !knownOids.includes(o));
  return (
    <section className="card" aria-labelledby="csr-title">
      <h2 id="csr-title">Certificate signing request</h2>
      <dl className="facts">
        <dt>Subject</dt>
        <dd className="mono">{csr.subject}</dd>
        <dt>Public key</dt>
        <dd>
          {key.algorithm} {key.size ? `${key.size} bits` : key.curve}
        </dd>
        <dt>Signature</dt>
        <dd>{SIGNATURES[csr.signatureAlgorithm] ?? csr.signatureAlgorithm}</dd>
        <dt>Profile</dt>
        <dd>{profile.name}</dd>
        <UsageRow label="Key usage" requested={ext.keyUsage} profile={profile.keyUsage} />
        <UsageRow label="Extended key usage" requested={ext.extendedKeyUsage} profile={profile.extendedKeyUsage} />
        {ext.basicConstraints && (
          <>
            <dt>Basic constraints</dt>
            <dd className={ext.basicConstraints.ca ? 'differs' : undefined}>
              {ext.basicConstraints.ca ? 'CA: true (ignored: the profile issues end-entity certificates)' : 'CA: false'}
            </dd>
          </>
        )}
        {ext.subjectAltNames && (
          <>
            <dt>Subject alternative names</dt>
            <dd>{ext.subjectAltNames.map((n) => `${n.type}:${n.value ?? `[${String(n.tag)}]`}`).join(', ')}</dd>
          </>
        )}
        {otherOids.length > 0 && (
          <>
            <dt>Other extensions</dt>
            <dd className="differs">{otherOids.join(', ')} (not copied to the certificate)</dd>
          </>
        )}
      </dl>
    </section>
  );
}
