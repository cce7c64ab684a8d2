import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiError } from './http';

/** Puts the API's per-field problems next to the fields; says whether any field was named. */
export function showFieldProblems<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): boolean {
  if (!(error instanceof ApiError)) {
    return false;
  }
  let named = false;
  for (const field of fields) {
    const message = error.fieldMessage(field);
    if (message) {
      setError(field, { type: 'server', message });
      named = true;
    }
  }
  return named;
}
