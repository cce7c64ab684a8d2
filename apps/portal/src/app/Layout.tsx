import { NavLink, Outlet } from 'react-router';
import { useMe, useSession } from '../modules/auth/hooks/session';

/** The frame of every signed-in page: where to go, who is signed in, and the way out. */
export function Layout() {
  const me = useMe();
  const { signOut } = useSession();
  const links: [string, string][] = [
    ['/', 'Review queue'],
    ['/certificates', 'Certificates'],
    ...(me.role === 'admin'
      ? ([
          ['/organizations', 'Organizations'],
          ['/managers', 'Managers'],
          ['/packages', 'Packages'],
          ['/audit', 'Audit log'],
        ] as [string, string][])
      : []),
  ];
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Enroll</span>
        <nav aria-label="Main">
          <ul>
            {links.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to} end={to === '/'}>
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami" aria-label="Signed in">
          <span>
            {me.username} · {me.role === 'admin' ? 'Centre administrator' : `Manager of ${me.organizationCode ?? '?'}`}
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
