import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { Navigate, useLocation } from 'react-router';
import { ApiError } from '../../../shared/api/http';
import { Field } from '../../../shared/components/Field';
import { login } from '../api/auth';
import { useSession } from '../hooks/session';

interface Credentials {
  username: string;
  password: string;
}

const REASONS = {
  expired: 'Your session has expired. Please sign in again.',
  'signed-out': 'You have signed out.',
  none: null,
} as const;

export function LoginPage() {
  const session = useSession();
  const location = useLocation();
  // Back to where the session ran out (RequireSession records no place after a sign-out).
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const form = useForm<Credentials>({ defaultValues: { username: '', password: '' } });
  const signIn = useMutation({
    mutationFn: (c: Credentials) => login(c.username, c.password),
    onSuccess: (result) => session.signedIn(result.user),
  });

  if (session.me) {
    return <Navigate to={from} replace />;
  }
  const notice = REASONS[session.reason];
  const failure = signIn.error instanceof ApiError && signIn.error.status === 401 ? 'The username or password is not right.' : signIn.error?.message;

  return (
    <main className="login">
      <form className="card login-card" onSubmit={(e) => void form.handleSubmit((c) => signIn.mutate(c))(e)} noValidate aria-labelledby="login-title">
        <h1 id="login-title">Enroll</h1>
        <p className="muted">Certificate enrollment portal</p>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <Field label="Username" error={form.formState.errors.username?.message}>
          {(props) => <input {...props} autoComplete="username" autoFocus {...form.register('username', { required: 'Enter your username.' })} />}
        </Field>
        <Field label="Password" error={form.formState.errors.password?.message}>
          {(props) => <input {...props} type="password" autoComplete="current-password" {...form.register('password', { required: 'Enter your password.' })} />}
        </Field>
        {failure && (
          <p className="error" role="alert">
            {failure}
          </p>
        )}
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
