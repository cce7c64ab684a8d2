import { ApiError } from '../api/http';

/** The API's refusal in words, where the action was taken. */
export function ProblemAlert({ error }: { error: unknown }) {
  if (!error) {
    return null;
  }
  const message = error instanceof ApiError ? (error.problem.detail ?? error.problem.title) : error instanceof Error ? error.message : 'Something went wrong.';
  const code = error instanceof ApiError ? error.problem.code : undefined;
  return (
    <p className="error" role="alert">
      {message}
      {code && <span className="code"> ({code})</span>}
    </p>
  );
}

/** A page whose data could not be loaded: a 404 reads as "not found", not as a crash. */
export function LoadFailure({ error, what }: { error: unknown; what: string }) {
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div className="card" role="alert">
        <h2>{what} not found</h2>
        <p>It does not exist, or it is outside what you may see.</p>
      </div>
    );
  }
  return <ProblemAlert error={error} />;
}
