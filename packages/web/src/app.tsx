import { lazy, Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch, useLocation } from 'wouter';
import { AuthProvider, hasPermission, useAuth, useMe } from './features/auth/auth-context';
import { LoginPage } from './features/auth/login-page';
import { HomePage } from './features/home/home-page';
import { LaporPage } from './features/report-form/lapor-page';
import { MyReportsPage } from './features/report-form/my-reports';
import { useOutboxSender } from './features/report-form/outbox';
import { Shell } from './features/shell/shell';
import { ErrorAlert, Loading } from './ui';

// desk and admin screens load on demand: the field form (/lapor) stays small for cheap phones
const UsersPage = lazy(() => import('./features/admin-users/users-page').then((m) => ({ default: m.UsersPage })));
const UserCreatePage = lazy(() => import('./features/admin-users/user-create').then((m) => ({ default: m.UserCreatePage })));
const UserImportPage = lazy(() => import('./features/admin-users/user-import').then((m) => ({ default: m.UserImportPage })));
const UserDetailPage = lazy(() => import('./features/admin-users/user-detail').then((m) => ({ default: m.UserDetailPage })));
const RegionBrowser = lazy(() => import('./features/regions/region-browser').then((m) => ({ default: m.RegionBrowser })));
const TriageBoard = lazy(() => import('./features/triage/triage-board').then((m) => ({ default: m.TriageBoard })));
const PublicReportPage = lazy(() => import('./features/public/public-report-page').then((m) => ({ default: m.PublicReportPage })));
const PublicStatusPage = lazy(() => import('./features/public/public-status-page').then((m) => ({ default: m.PublicStatusPage })));
const IncidentsPage = lazy(() => import('./features/incidents/incidents-page').then((m) => ({ default: m.IncidentsPage })));
const IncidentPage = lazy(() => import('./features/incidents/incident-page').then((m) => ({ default: m.IncidentPage })));
const MapPage = lazy(() => import('./features/map/map-page').then((m) => ({ default: m.MapPage })));
const DashboardPage = lazy(() => import('./features/dashboard/dashboard-page').then((m) => ({ default: m.DashboardPage })));
const WebhooksPage = lazy(() => import('./features/admin-webhooks/webhooks-page').then((m) => ({ default: m.WebhooksPage })));
const AlertsPage = lazy(() => import('./features/alerts/alerts-page').then((m) => ({ default: m.AlertsPage })));
const AlertPage = lazy(() => import('./features/alerts/alert-page').then((m) => ({ default: m.AlertPage })));
const SitrepsPage = lazy(() => import('./features/sitreps/sitreps-page').then((m) => ({ default: m.SitrepsPage })));
const SitrepPage = lazy(() => import('./features/sitreps/sitrep-page').then((m) => ({ default: m.SitrepPage })));
const ConfigPage = lazy(() => import('./features/admin-config/config-page').then((m) => ({ default: m.ConfigPage })));
const ReportPage = lazy(() => import('./features/report-page/report-page').then((m) => ({ default: m.ReportPage })));

export function App() {
  const [location] = useLocation();
  // the public pages need no account: a citizen reports and follows a receipt code
  if (location === '/publik' || location.startsWith('/publik/')) return <PublicRoutes />;
  return (
    <AuthProvider>
      <Gate />
    </AuthProvider>
  );
}

function PublicRoutes() {
  const { t } = useTranslation();
  const [location] = useLocation();
  useEffect(() => {
    document.title = `${t(location.startsWith('/publik/status') ? 'public.statusTitle' : 'public.title')} · Sinergi`;
  }, [location, t]);
  return (
    <Suspense fallback={<Loading />}>
      <Switch>
        <Route path="/publik/status">
          <PublicStatusPage code={null} />
        </Route>
        <Route path="/publik/status/:code">{(params) => <PublicStatusPage code={params.code} />}</Route>
        <Route>
          <PublicReportPage />
        </Route>
      </Switch>
    </Suspense>
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
  [/^\/peta/, 'nav.map'],
  [/^\/wilayah/, 'nav.regions'],
  [/^\/pengguna/, 'nav.users'],
  [/^\/webhook/, 'nav.webhooks'],
  [/^\/lapor\/saya/, 'nav.mine'],
  [/^\/lapor$/, 'nav.report'],
  [/^\/laporan\/./, 'reportPage.title'],
  [/^\/laporan/, 'nav.triage'],
  [/^\/kejadian/, 'nav.incidents'],
  [/^\/peringatan/, 'nav.alerts'],
  [/^\/(lapsit|sitreps)/, 'nav.sitrepTitle'],
  [/^\/pengaturan/, 'nav.config'],
];

function Routes() {
  const me = useMe();
  const { t } = useTranslation();
  const [location] = useLocation();
  const canManageUsers = hasPermission(me, 'users.manage');
  const canManageConfig = hasPermission(me, 'config.manage');
  const canReport = hasPermission(me, 'reports.create');
  const isDesk = hasPermission(me, 'reports.verify') || hasPermission(me, 'reports.handle');
  // desks and observers land in the situation room; field officers on their own page
  const seesDashboard = me.role === 'province_desk' || me.role === 'regency_desk' || me.role === 'district_desk' || me.role === 'observer';
  useOutboxSender(me.id);
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
    <Suspense fallback={<Loading />}>
    <Switch>
      {canReport ? (
        <>
          <Route path="/lapor">
            <LaporPage />
          </Route>
          <Route path="/lapor/saya">
            <MyReportsPage />
          </Route>
        </>
      ) : null}
      {isDesk ? (
        <Route path="/laporan">
          <TriageBoard />
        </Route>
      ) : null}
      <Route path="/laporan/:id">{(params) => <ReportPage id={params.id} />}</Route>
      {isDesk ? (
        <Route path="/kejadian">
          <IncidentsPage />
        </Route>
      ) : null}
      <Route path="/kejadian/:id">{(params) => <IncidentPage id={params.id} />}</Route>
      <Route path="/peringatan">
        <AlertsPage />
      </Route>
      <Route path="/peringatan/:id">{(params) => <AlertPage id={decodeURIComponent(params.id)} />}</Route>
      <Route path="/">{seesDashboard ? <DashboardPage /> : <HomePage />}</Route>
      <Route path="/lapsit">
        <SitrepsPage />
      </Route>
      <Route path="/lapsit/:id">{(params) => <SitrepPage id={params.id} />}</Route>
      {/* e-mails link /lapsit/:id; /sitreps/:id stays as an alias */}
      <Route path="/sitreps/:id">{(params) => <SitrepPage id={params.id} />}</Route>
      {hasPermission(me, 'config.manage') ? (
        <Route path="/pengaturan">
          <ConfigPage />
        </Route>
      ) : null}
      {seesDashboard ? (
        <Route path="/peta">
          <MapPage />
        </Route>
      ) : null}
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
      {canManageConfig ? (
        <Route path="/webhook">
          <WebhooksPage />
        </Route>
      ) : null}
      <Route>
        <NotFound />
      </Route>
    </Switch>
    </Suspense>
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
