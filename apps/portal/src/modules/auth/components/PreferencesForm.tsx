import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { showFieldProblems } from '../../../shared/api/form-errors';
import { Field } from '../../../shared/components/Field';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { fetchPreferences, preferencesKey, savePreferences } from '../api/auth';

interface Values {
  email: string;
  digest: 'immediate' | 'digest';
}

/**
 * Where one's notifications are mailed, and how: each event at once, or one digest a day. Mails
 * are in the portal's language, which the language switch keeps.
 */
export function PreferencesForm() {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const current = useQuery({ queryKey: preferencesKey, queryFn: ({ signal }) => fetchPreferences(signal) });
  const form = useForm<Values>({ defaultValues: { email: '', digest: 'immediate' } });
  useEffect(() => {
    if (current.data) {
      form.reset({ email: current.data.email ?? '', digest: current.data.mailDigest ? 'digest' : 'immediate' });
    }
  }, [current.data, form]);
  const save = useMutation({
    mutationFn: (v: Values) =>
      savePreferences({ email: v.email.trim() === '' ? null : v.email.trim(), mailDigest: v.digest === 'digest' }),
    onSuccess: (saved) => client.setQueryData(preferencesKey, saved),
    onError: (error) => showFieldProblems(error, form.setError, ['email']),
  });
  return (
    <form
      className="preferences"
      aria-labelledby="preferences-title"
      onSubmit={(e) => void form.handleSubmit((v) => save.mutate(v))(e)}
      noValidate
    >
      <h3 id="preferences-title">{t('preferences.title')}</h3>
      <ProblemAlert error={current.error} />
      <Field
        label={t('preferences.email')}
        hint={t('preferences.emailHint')}
        error={form.formState.errors.email?.message}
      >
        {(p) => (
          <input
            {...p}
            type="email"
            autoComplete="email"
            {...form.register('email', {
              pattern: { value: /^[^\s@]+@[^\s@]+$/, message: t('preferences.emailInvalid') },
            })}
          />
        )}
      </Field>
      <fieldset>
        <legend>{t('preferences.how')}</legend>
        <label className="inline">
          <input type="radio" value="immediate" {...form.register('digest')} /> {t('preferences.immediate')}
        </label>
        <label className="inline">
          <input type="radio" value="digest" {...form.register('digest')} /> {t('preferences.digest')}
        </label>
      </fieldset>
      <p className="muted">
        {t('preferences.language', { language: i18n.language === 'fr' ? 'Français' : 'English' })}
      </p>
      <div className="actions">
        <button type="submit" disabled={save.isPending || !current.data}>
          {save.isPending ? t('action.working') : t('preferences.save')}
        </button>
      </div>
      <div aria-live="polite">{save.isSuccess && <p className="notice">{t('preferences.saved')}</p>}</div>
      <ProblemAlert error={save.error} />
    </form>
  );
}
