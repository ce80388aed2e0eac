import type { TRegionDetail } from '@sinergi/domain';
import { NATIONAL_SCOPE } from '../../lib/domain';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../../api';
import { formatNumber } from '../../lib/format';
import { useAsync } from '../../lib/hooks';
import { ErrorAlert, Loading } from '../../ui';
import { hasPermission, useMe } from '../auth/auth-context';
import { fetchRegion } from '../regions/region-cache';
import { DescendantCounts } from '../regions/region-counts';
import { useHealth } from '../shell/health';
import { useLevelLabel, usePillarName, useRoleLabel } from '../shell/labels';

const SHOWN_SCOPES = 12;

/**
 * Beranda: who you are and the regions you cover, with their counts from the API. The
 * situation dashboard arrives with the reporting capabilities; nothing here is invented.
 */
export function HomePage() {
  const me = useMe();
  const { t } = useTranslation();
  const roleLabel = useRoleLabel();
  const pillarName = usePillarName();
  const isNational = me.scopes.includes(NATIONAL_SCOPE);
  const shown = me.scopes.filter((s) => s !== NATIONAL_SCOPE).slice(0, SHOWN_SCOPES);
  const hiddenScopes = me.scopes.filter((s) => s !== NATIONAL_SCOPE).length - shown.length;
  const [scopes] = useAsync(() => Promise.all(shown.map((code) => fetchRegion(code))), [shown.join(',')]);

  return (
    <div className="stack-lg">
      <header className="page-head">
        <h1>{t('home.title')}</h1>
        <p className="lead">{t('home.welcome', { name: me.fullName })}</p>
        <p className="muted">
          {[roleLabel(me.role), me.pillarCode ? pillarName(me.pillarCode) : null, me.position].filter(Boolean).join(' · ')}
        </p>
      </header>

      <section aria-labelledby="scope-title" className="stack">
        <h2 id="scope-title">{t('home.scopeTitle')}</h2>
        <p className="muted">{t('home.scopeIntro')}</p>
        {isNational ? <NationalCard /> : null}
        {shown.length > 0 ? (
          scopes.status === 'loading' ? (
            <Loading />
          ) : scopes.status === 'error' ? (
            <ErrorAlert error={scopes.error} />
          ) : (
            <ul className="card-grid">
              {scopes.data.map((region) => (
                <li key={region.code}>
                  <ScopeCard region={region} />
                </li>
              ))}
            </ul>
          )
        ) : null}
        {hiddenScopes > 0 ? <p className="muted">{t('home.moreScopes', { count: hiddenScopes })}</p> : null}
      </section>

      {hasPermission(me, 'users.manage') ? (
        <section aria-labelledby="admin-title" className="stack">
          <h2 id="admin-title">{t('home.adminTitle')}</h2>
          <div className="quick-links">
            <Link href="/pengguna" className="btn btn-secondary">
              {t('users.title')}
            </Link>
            <Link href="/pengguna/baru" className="btn btn-secondary">
              {t('users.create')}
            </Link>
            <Link href="/pengguna/impor" className="btn btn-secondary">
              {t('users.import')}
            </Link>
          </div>
        </section>
      ) : null}
    </div>
  );
}

function ScopeCard({ region }: { region: TRegionDetail }) {
  const { t } = useTranslation();
  const levelLabel = useLevelLabel();
  const parents = region.path.slice(0, -1).map((p) => p.name);
  return (
    <article className="card scope-card">
      <p className="eyebrow">
        {levelLabel(region.level)} · <span className="code">{region.code}</span> · {region.timeZoneLabel}
      </p>
      <h3>
        <Link href={`/wilayah/${region.code}`}>{region.name}</Link>
      </h3>
      {parents.length ? <p className="muted">{parents.join(' › ')}</p> : null}
      <DescendantCounts region={region} />
      {region.level === 'village' ? <p className="muted">{t('home.villageNote')}</p> : null}
    </article>
  );
}

function NationalCard() {
  const { t } = useTranslation();
  const health = useHealth();
  const [provinces] = useAsync((signal) => api.regions({ limit: 100 }, signal), []);
  return (
    <article className="card scope-card">
      <p className="eyebrow">{t('regions.national')} · *</p>
      <h3>
        <Link href="/wilayah">Indonesia</Link>
      </h3>
      <dl className="counts">
        {provinces.status === 'ok' ? (
          <div>
            <dt>{t('regions.count.province', { count: provinces.data.items.length })}</dt>
            <dd>{formatNumber(provinces.data.items.length)}</dd>
          </div>
        ) : null}
        {health ? (
          <div>
            <dt>{t('home.regionsLoaded')}</dt>
            <dd>{formatNumber(health.regions)}</dd>
          </div>
        ) : null}
      </dl>
    </article>
  );
}
