import type { CertificateFormat } from '@enroll/contract';
import { useTranslation } from 'react-i18next';

const FORMATS: readonly CertificateFormat[] = ['pem', 'der', 'p7b'];

/** Plain links: the session cookie authorizes a GET, and the browser saves the file. */
export function DownloadLinks({ serial }: { serial: string }) {
  const { t } = useTranslation();
  return (
    <ul className="downloads" aria-label={t('certificates.downloads')}>
      {FORMATS.map((format) => (
        <li key={format}>
          <a href={`/api/v1/certificates/${serial}/download?format=${format}`} download>
            {t(`downloads.${format}`)}
          </a>
        </li>
      ))}
    </ul>
  );
}
