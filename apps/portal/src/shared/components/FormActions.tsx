import { ProblemAlert } from './ProblemAlert';

/** A form's submit button, disabled while it works, and the API's refusal beneath it. */
export function FormActions({ label, pending, error }: { label: string; pending: boolean; error: unknown }) {
  return (
    <>
      <div className="actions">
        <button type="submit" className="primary" disabled={pending}>
          {label}
        </button>
      </div>
      <ProblemAlert error={error} />
    </>
  );
}
