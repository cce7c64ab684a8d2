import { useTranslation } from 'react-i18next';
import { saveFile } from '../../../shared/api/http';
import type { NewPackageResult } from '../api/packages';

/** The token and client file exist only in this answer: the API keeps a hash. Say so plainly. */
export function CreatedPackagePanel({ created, onDone }: { created: NewPackageResult; onDone: () => void }) {
  const { t } = useTranslation();
  const filename = `enroll-${created.organizationCode}-${created.environment}.json`.replace(/[^A-Za-z0-9._-]/g, '_');
  return (
    <section className="card created" aria-labelledby="created-title" role="region">
      <h2 id="created-title">{t('packages.createdFor', { organization: created.organizationCode })}</h2>
      <p className="notice">{t('packages.shownOnce')}</p>
      <label>
        {t('packages.token')}
        <input readOnly value={created.token} className="mono" onFocus={(e) => e.target.select()} />
      </label>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() =>
            saveFile(new Blob([JSON.stringify(created.clientConfig, null, 2)], { type: 'application/json' }), filename)
          }
        >
          {t('packages.download')}
        </button>
        <a className="button" href="/downloads/enroll.cjs" download="enroll.cjs">
          {t('packages.downloadClient')}
        </a>
        <button type="button" onClick={onDone}>
          {t('packages.done')}
        </button>
      </div>
      <p className="muted">{t('packages.clientHowTo', { file: filename })}</p>
    </section>
  );
}
