import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { ApiError } from '../../../shared/api/http';
import { LanguageSwitch } from '../../../app/Layout';
import { Field } from '../../../shared/components/Field';
import { useProblemText } from '../../../shared/components/ProblemAlert';
import { useTitle } from '../../../shared/hooks/useTitle';
import { login, loginWithCertificate, page } from '../api/auth';
import { useSession } from '../hooks/session';

interface Credentials {
  username: string;
  password: string;
}

const REASONS = { expired: 'login.expired', 'signed-out': 'login.signedOut', none: null } as const;

export function LoginPage() {
  const { t } = useTranslation();
  const problemText = useProblemText();
  useTitle(t('title.login'));
  const session = useSession();
  const location = useLocation();
  // Back to where the session ran out (RequireSession records no place after a sign-out).
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const form = useForm<Credentials>({ defaultValues: { username: '', password: '' } });
  const signIn = useMutation({
    mutationFn: (c: Credentials) => login(c.username, c.password),
    onSuccess: (result) => session.signedIn(result.user),
  });
  const withCertificate = useMutation({
    mutationFn: (password: string) => loginWithCertificate(password || undefined),
    onSuccess: (result) => session.signedIn(result.user),
  });
  const offerCertificate = page.overHttps();

  if (session.me) {
    return <Navigate to={from} replace />;
  }
  const notice = REASONS[session.reason];
  const failure = signIn.error
    ? signIn.error instanceof ApiError && signIn.error.status === 401
      ? t('login.wrong')
      : problemText(signIn.error)
    : undefined;
  const certificateFailure = withCertificate.error ? certificateProblem(withCertificate.error) : undefined;

  function certificateProblem(error: Error): string {
    if (error instanceof ApiError && error.problem.code === 'INVALID_CREDENTIALS') {
      return withCertificate.variables ? t('login.certificateWrongPassword') : t('login.certificatePassword');
    }
    return t('login.certificateRefused', { reason: problemText(error) });
  }

  return (
    <main className="login">
      <form
        className="card login-card"
        onSubmit={(e) => void form.handleSubmit((c) => signIn.mutate(c))(e)}
        noValidate
        aria-labelledby="login-title"
      >
        <div className="login-head">
          <h1 id="login-title">{t('app.name')}</h1>
          <LanguageSwitch />
        </div>
        <p className="muted">{t('app.tagline')}</p>
        {notice && (
          <p className="notice" role="status">
            {t(notice)}
          </p>
        )}
        <Field label={t('login.username')} error={form.formState.errors.username?.message}>
          {(props) => (
            <input
              {...props}
              autoComplete="username"
              autoFocus
              {...form.register('username', { required: t('login.usernameRequired') })}
            />
          )}
        </Field>
        <Field label={t('login.password')} error={form.formState.errors.password?.message}>
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="current-password"
              {...form.register('password', { required: t('login.passwordRequired') })}
            />
          )}
        </Field>
        {failure && (
          <p className="error" role="alert">
            {failure}
          </p>
        )}
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? t('login.submitting') : t('login.submit')}
        </button>
        {offerCertificate && (
          <div className="certificate-sign-in">
            <p className="muted">{t('login.or')}</p>
            <button
              type="button"
              aria-describedby="certificate-hint"
              disabled={withCertificate.isPending}
              onClick={() => withCertificate.mutate(form.getValues('password'))}
            >
              {withCertificate.isPending ? t('login.submitting') : t('login.certificate')}
            </button>
            <small id="certificate-hint" className="muted">
              {t('login.certificateHint')}
            </small>
            {certificateFailure && (
              <p className="error" role="alert">
                {certificateFailure}
              </p>
            )}
          </div>
        )}
      </form>
    </main>
  );
}
