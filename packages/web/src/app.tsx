import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch, useLocation } from 'wouter';
import { UserCreatePage } from './features/admin-users/user-create';
import { UserDetailPage } from './features/admin-users/user-detail';
import { UserImportPage } from './features/admin-users/user-import';
import { UsersPage } from './features/admin-users/users-page';
import { AuthProvider, hasPermission, useAuth, useMe } from './features/auth/auth-context';
import { LoginPage } from './features/auth/login-page';
import { HomePage } from './features/home/home-page';
import { RegionBrowser } from './features/regions/region-browser';
import { Shell } from './features/shell/shell';
import { ErrorAlert, Loading } from './ui';

export function App() {
  return (
    <AuthProvider>
      <Gate />
    </AuthProvider>
  );
}

/** Signed in → the shell; otherwise the sign-in page at whatever URL was asked for (deep links survive). */
function Gate() {
  const { state, retry } = useAuth();
  const { t } = useTranslation();
  switch (state.status) {
    case 'loading':
      return (
        <div className="center-page">
          <Loading />
        </div>
      );
    case 'unreachable':
      return (
        <div className="center-page">
          <ErrorAlert error={state.error}>
            <button type="button" className="btn btn-secondary" onClick={retry}>
              {t('common.retry')}
            </button>
          </ErrorAlert>
        </div>
      );
    case 'signedOut':
      return <LoginPage reason={state.reason} />;
    case 'signedIn':
      return (
        <Shell>
          <Routes />
        </Shell>
      );
  }
}

const TITLES: [RegExp, string][] = [
  [/^\/$/, 'nav.home'],
  [/^\/wilayah/, 'nav.regions'],
  [/^\/pengguna/, 'nav.users'],
];

function Routes() {
  const me = useMe();
  const { t } = useTranslation();
  const [location] = useLocation();
  const canManageUsers = hasPermission(me, 'users.manage');
  const first = useRef(true);

  // a page change names the page in the tab and moves focus to it (screen readers hear the new page)
  useEffect(() => {
    const key = TITLES.find(([re]) => re.test(location))?.[1];
    document.title = key ? `${t(key)} · Sinergi` : 'Sinergi';
  }, [location, t]);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo({ top: 0 });
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [location]);

  return (
    <Switch>
      <Route path="/">
        <HomePage />
      </Route>
      <Route path="/wilayah">
        <RegionBrowser code={null} />
      </Route>
      <Route path="/wilayah/:code">{(params) => <RegionBrowser code={params.code} />}</Route>
      {canManageUsers ? (
        <>
          <Route path="/pengguna">
            <UsersPage />
          </Route>
          <Route path="/pengguna/baru">
            <UserCreatePage />
          </Route>
          <Route path="/pengguna/impor">
            <UserImportPage />
          </Route>
          <Route path="/pengguna/:id">{(params) => <UserDetailPage id={params.id} />}</Route>
        </>
      ) : null}
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <div className="stack">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <p>
        <Link href="/">{t('notFound.home')}</Link>
      </p>
    </div>
  );
}
