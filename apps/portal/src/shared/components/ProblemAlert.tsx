import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http';

/** The API's refusal as a sentence in the reader's language, from its stable `code`; the API's own words when the code is unknown. */
export function useProblemText(): (error: unknown) => string {
  const { t, i18n } = useTranslation();
  return (error: unknown) => {
    if (error instanceof ApiError) {
      const key = `problem.code.${error.problem.code}`;
      return i18n.exists(key) ? t(key) : (error.problem.detail ?? error.problem.title);
    }
    return error instanceof Error && error.message ? error.message : t('problem.generic');
  };
}

/** The API's refusal in words, where the action was taken. */
export function ProblemAlert({ error }: { error: unknown }) {
  const text = useProblemText();
  if (!error) {
    return null;
  }
  const code = error instanceof ApiError ? error.problem.code : undefined;
  const detail =
    error instanceof ApiError && error.problem.code === 'VALIDATION_FAILED' ? error.problem.detail : undefined;
  return (
    <p className="error" role="alert">
      {text(error)}
      {detail && <span className="detail"> {detail}</span>}
      {code && <span className="code"> ({code})</span>}
    </p>
  );
}

/** A page whose data could not be loaded: a 404 reads as "not found", not as a crash. */
export function LoadFailure({ error, what }: { error: unknown; what: string }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div className="card" role="alert">
        <h2>{t('problem.notFoundTitle', { what })}</h2>
        <p>{t('problem.notFound')}</p>
      </div>
    );
  }
  return <ProblemAlert error={error} />;
}
