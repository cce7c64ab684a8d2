import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { i18n } from '../i18n';
import { ApiError } from '../shared/api/http';
import { useTitle } from '../shared/hooks/useTitle';
import { LoginPage } from '../modules/auth/components/LoginPage';
import { SessionProvider, useSession } from '../modules/auth/hooks/session';
import { QueuePage } from '../modules/requests/components/QueuePage';
import { RequestDetailPage } from '../modules/requests/components/RequestDetailPage';
import { Layout } from './Layout';

// The queue and a request are the daily work and load first; the rest comes when opened.
const CertificatesPage = lazy(() => import('../modules/certificates/components/CertificatesPage'));
const CertificateDetailPage = lazy(() => import('../modules/certificates/components/CertificateDetailPage'));
const OrganizationsPage = lazy(() => import('../modules/organizations/components/OrganizationsPage'));
const ManagersPage = lazy(() => import('../modules/users/components/ManagersPage'));
const PackagesPage = lazy(() => import('../modules/packages/components/PackagesPage'));
const AuditPage = lazy(() => import('../modules/audit/components/AuditPage'));
const DashboardPage = lazy(() => import('../modules/dashboard/components/DashboardPage'));
const NotificationsPage = lazy(() => import('../modules/notifications/components/NotificationsPage'));

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A refusal (4xx) will not change by asking again.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        refetchOnWindowFocus: true,
      },
    },
  });
}

function RequireSession({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const { t } = useTranslation();
  const { me, loading, reason } = useSession();
  const location = useLocation();
  if (loading) {
    return <p className="muted boot">{t('app.loading')}</p>;
  }
  if (!me) {
    // After signing out, the next person starts afresh; after an expiry, the same person comes back here.
    return (
      <Navigate
        to="/login"
        replace
        state={reason === 'signed-out' ? null : { from: location.pathname + location.search }}
      />
    );
  }
  if (admin && me.role !== 'admin') {
    return (
      <div className="card" role="alert">
        <h1>{t('app.adminOnlyTitle')}</h1>
        <p>{t('app.adminOnly')}</p>
      </div>
    );
  }
  return <>{children}</>;
}

function Loading() {
  const { t } = useTranslation();
  return <p className="muted">{t('app.loading')}</p>;
}

function NotFound() {
  const { t } = useTranslation();
  useTitle(t('title.notFound'));
  return <p role="alert">{t('app.notFound')}</p>;
}

const page = (node: ReactNode, admin = false) => (
  <RequireSession admin={admin}>
    <Suspense fallback={<Loading />}>{node}</Suspense>
  </RequireSession>
);

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={page(<Layout />)}>
        <Route index element={<QueuePage />} />
        <Route path="requests/:id" element={<RequestDetailPage />} />
        <Route path="dashboard" element={page(<DashboardPage />)} />
        <Route path="certificates" element={page(<CertificatesPage />)} />
        <Route path="certificates/:serial" element={page(<CertificateDetailPage />)} />
        <Route path="organizations" element={page(<OrganizationsPage />, true)} />
        <Route path="managers" element={page(<ManagersPage />, true)} />
        <Route path="packages" element={page(<PackagesPage />, true)} />
        <Route path="audit" element={page(<AuditPage />, true)} />
        <Route path="notifications" element={page(<NotificationsPage />, true)} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App({ client = createQueryClient() }: { client?: QueryClient }) {
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={client}>
        <SessionProvider>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </SessionProvider>
      </QueryClientProvider>
    </I18nextProvider>
  );
}
