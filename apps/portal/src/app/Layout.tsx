import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation } from 'react-router';
import { chooseLanguage, LANGUAGES, type Language } from '../i18n';
import { savePreferences } from '../modules/auth/api/auth';
import { AccountDialog } from '../modules/auth/components/AccountDialog';
import { useMe, useSession } from '../modules/auth/hooks/session';
import { NotificationBell } from '../modules/notifications/components/NotificationBell';
import { queueHref } from '../modules/requests/hooks/queueMemory';

/**
 * The language switch: each language named in itself. Signed in, the choice is also the language
 * of the person's mails (best effort: the page changes language whatever the API answers).
 */
export function LanguageSwitch({ signedIn = false }: { signedIn?: boolean }) {
  const { t, i18n } = useTranslation();
  const choose = (language: Language): void => {
    void chooseLanguage(language);
    if (signedIn) {
      savePreferences({ language }).catch(() => undefined);
    }
  };
  return (
    <label className="language">
      <span className="visually-hidden">{t('app.language')}</span>
      <select value={i18n.language} onChange={(e) => choose(e.target.value as Language)} aria-label={t('app.language')}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {l === 'fr' ? 'Français' : 'English'}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The frame of every signed-in page: where to go, who is signed in, the language, and the way out. */
export function Layout() {
  const { t } = useTranslation();
  const me = useMe();
  const { signOut } = useSession();
  const [account, setAccount] = useState(false);
  // Rendered again on each navigation, so that the queue's link carries the filters last used.
  useLocation();
  const links: [string, string][] = [
    [queueHref(), t('nav.queue')],
    ['/dashboard', t('nav.dashboard')],
    ['/certificates', t('nav.certificates')],
    ...(me.role === 'admin'
      ? ([
          ['/organizations', t('nav.organizations')],
          ['/managers', t('nav.managers')],
          ['/packages', t('nav.packages')],
          ['/audit', t('nav.audit')],
          ['/notifications', t('nav.notifications')],
        ] as [string, string][])
      : []),
  ];
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <nav aria-label={t('app.mainNav')}>
          <ul>
            {links.map(([to, label], i) => (
              <li key={label}>
                <NavLink to={to} end={i === 0}>
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami" aria-label={t('app.signedIn')}>
          <span>
            {me.username} ·{' '}
            {me.role === 'admin'
              ? t('app.administrator')
              : t('app.managerOf', { organization: me.organizationCode ?? '?' })}
          </span>
          <NotificationBell />
          <LanguageSwitch signedIn />
          <button type="button" onClick={() => setAccount(true)}>
            {t('app.myAccount')}
          </button>
          <button type="button" onClick={() => void signOut()}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      {account && <AccountDialog onClose={() => setAccount(false)} />}
    </div>
  );
}
