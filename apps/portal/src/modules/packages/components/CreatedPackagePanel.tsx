import { saveFile } from '../../../shared/api/http';
import type { NewPackageResult } from '../api/packages';

/** The token and client file exist only in this answer: the API keeps a hash. Say so plainly. */
export function CreatedPackagePanel({ created, onDone }: { created: NewPackageResult; onDone: () => void }) {
  const filename = `enroll-${created.organizationCode}-${created.environment}.json`.replace(/[^A-Za-z0-9._-]/g, '_');
  return (
    <section className="card created" aria-labelledby="created-title" role="region">
      <h2 id="created-title">Package created for {created.organizationCode}</h2>
      <p className="notice">The token and the client file are shown this once. Download the file now and give it to the device administrators.</p>
      <label>
        Token
        <input readOnly value={created.token} className="mono" onFocus={(e) => e.target.select()} />
      </label>
      <div className="actions">
        <button type="button" className="primary" onClick={() => saveFile(new Blob([JSON.stringify(created.clientConfig, null, 2)], { type: 'application/json' }), filename)}>
          Download client file
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}
