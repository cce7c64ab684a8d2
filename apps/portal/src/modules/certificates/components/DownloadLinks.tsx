import type { CertificateFormat } from '@enroll/contract';

const FORMATS: readonly { format: CertificateFormat; label: string; hint: string }[] = [
  { format: 'pem', label: 'PEM', hint: 'certificate and chain' },
  { format: 'der', label: 'DER', hint: 'certificate only' },
  { format: 'p7b', label: 'P7B', hint: 'PKCS #7 with chain' },
];

/** Plain links: the session cookie authorizes a GET, and the browser saves the file. */
export function DownloadLinks({ serial }: { serial: string }) {
  return (
    <ul className="downloads" aria-label="Download the certificate">
      {FORMATS.map(({ format, label, hint }) => (
        <li key={format}>
          <a href={`/api/v1/certificates/${serial}/download?format=${format}`} download>
            Download {label}
          </a>{' '}
          <small className="muted">({hint})</small>
        </li>
      ))}
    </ul>
  );
}
