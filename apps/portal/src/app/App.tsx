import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { ApiError } from '../shared/api/http';
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
  const { me, loading, reason } = useSession();
  const location = useLocation();
  if (loading) {
    return <p className="muted boot">Loading…</p>;
  }
  if (!me) {
    // After signing out, the next person starts afresh; after an expiry, the same person comes back here.
    return <Navigate to="/login" replace state={reason === 'signed-out' ? null : { from: location.pathname + location.search }} />;
  }
  if (admin && me.role !== 'admin') {
    return (
      <div className="card" role="alert">
        <h1>Administrators only</h1>
        <p>This page is for centre administrators.</p>
      </div>
    );
  }
  return <>{children}</>;
}

const page = (node: ReactNode, admin = false) => (
  <RequireSession admin={admin}>
    <Suspense fallback={<p className="muted">Loading…</p>}>{node}</Suspense>
  </RequireSession>
);

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={page(<Layout />)}>
        <Route index element={<QueuePage />} />
        <Route path="requests/:id" element={<RequestDetailPage />} />
        <Route path="certificates" element={page(<CertificatesPage />)} />
        <Route path="certificates/:serial" element={page(<CertificateDetailPage />)} />
        <Route path="organizations" element={page(<OrganizationsPage />, true)} />
        <Route path="managers" element={page(<ManagersPage />, true)} />
        <Route path="packages" element={page(<PackagesPage />, true)} />
        <Route path="audit" element={page(<AuditPage />, true)} />
        <Route path="*" element={<p role="alert">This page does not exist.</p>} />
      </Route>
    </Routes>
  );
}

export function App({ client = createQueryClient() }: { client?: QueryClient }) {
  return (
    <QueryClientProvider client={client}>
      <SessionProvider>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </SessionProvider>
    </QueryClientProvider>
  );
}
