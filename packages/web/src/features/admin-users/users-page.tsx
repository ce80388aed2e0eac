import type { TRole, TUser } from '@sinergi/domain';
import { ROLES } from '../../lib/domain';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../../api';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useDebounced } from '../../lib/hooks';
import { ErrorAlert, Loading, SelectField, TextField } from '../../ui';
import { RegionPicker } from '../regions/region-picker';
import { usePillarName, useRoleLabel } from '../shell/labels';

const PAGE = 50;

/** Pengguna: search, filter by role and region, cursor-paginated. */
export function UsersPage() {
  const { t, i18n } = useTranslation();
  const roleLabel = useRoleLabel();
  const pillarName = usePillarName();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<TRole | ''>('');
  const [region, setRegion] = useState<string[]>([]);
  const settledQ = useDebounced(q.trim(), 300);
  const [items, setItems] = useState<TUser[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<'loading' | 'ok' | 'more'>('loading');
  const [error, setError] = useState<unknown>(null);
  const regionCode = region[0] ?? '';

  useEffect(() => {
    const controller = new AbortController();
    setStatus('loading');
    setError(null);
    api.users({ q: settledQ, role, region: regionCode, limit: PAGE }, controller.signal).then(
      (page) => {
        setItems(page.items);
        setCursor(page.nextCursor);
        setStatus('ok');
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e);
        setStatus('ok');
      },
    );
    return () => controller.abort();
  }, [settledQ, role, regionCode]);

  async function more() {
    if (!cursor) return;
    setStatus('more');
    try {
      const page = await api.users({ q: settledQ, role, region: regionCode, limit: PAGE, cursor });
      setItems((old) => [...old, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setStatus('ok');
    }
  }

  return (
    <div className="stack-lg">
      <header className="page-head page-head-row">
        <div>
          <h1>{t('users.title')}</h1>
          <p className="muted">{t('users.intro')}</p>
        </div>
        <div className="actions">
          <Link href="/pengguna/impor" className="btn btn-secondary">
            {t('users.import')}
          </Link>
          <Link href="/pengguna/baru" className="btn btn-primary">
            {t('users.create')}
          </Link>
        </div>
      </header>

      <form className="filters card" role="search" aria-label={t('users.filters')} onSubmit={(e) => e.preventDefault()}>
        <TextField name="q" type="search" label={t('users.search')} placeholder={t('users.searchPlaceholder')} value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
        <SelectField name="role" label={t('users.role')} value={role} onChange={(e) => setRole(e.target.value as TRole | '')}>
          <option value="">{t('users.allRoles')}</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {roleLabel(r)}
            </option>
          ))}
        </SelectField>
        <RegionPicker name="region" label={t('users.regionFilter')} value={region} onChange={setRegion} single />
      </form>

      <ErrorAlert error={error} />
      {status === 'loading' ? (
        <Loading />
      ) : (
        <section aria-labelledby="users-list-title" className="stack">
          <h2 id="users-list-title" className="visually-hidden">
            {t('users.listTitle')}
          </h2>
          <p className="muted" role="status">
            {items.length === 0 ? t('users.none') : t('users.shown', { count: items.length, shown: formatNumber(items.length) })}
            {cursor ? ` ${t('users.moreAvailable')}` : ''}
          </p>
          {items.length ? (
            <div className="table-wrap">
              <table className="table table-users">
                <thead>
                  <tr>
                    <th scope="col">{t('users.name')}</th>
                    <th scope="col">{t('users.role')}</th>
                    <th scope="col">{t('users.pillar')}</th>
                    <th scope="col">{t('users.scopes')}</th>
                    <th scope="col">{t('users.status')}</th>
                    <th scope="col">{t('users.lastLogin')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((u) => (
                    <tr key={u.id}>
                      <td data-label={t('users.name')}>
                        <Link href={`/pengguna/${u.id}`} className="strong-link">
                          {u.fullName}
                        </Link>
                        <div className="muted small">@{u.username}{u.position ? ` · ${u.position}` : ''}</div>
                      </td>
                      <td data-label={t('users.role')}>{roleLabel(u.role)}</td>
                      <td data-label={t('users.pillar')}>{pillarName(u.pillarCode)}</td>
                      <td data-label={t('users.scopes')} className="code small">
                        {u.scopes.length > 3 ? `${u.scopes.slice(0, 3).join(', ')} +${u.scopes.length - 3}` : u.scopes.join(', ')}
                      </td>
                      <td data-label={t('users.status')}>
                        {u.disabled ? <span className="tag tag-danger">{t('users.disabled')}</span> : <span className="tag tag-ok">{t('users.active')}</span>}
                      </td>
                      <td data-label={t('users.lastLogin')} className="small">
                        {u.lastLoginAt ? formatDateTime(u.lastLoginAt, i18n.language) : t('users.never')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {cursor ? (
            <button type="button" className="btn btn-secondary" onClick={() => void more()} disabled={status === 'more'}>
              {status === 'more' ? t('common.loading') : t('common.loadMore')}
            </button>
          ) : null}
        </section>
      )}
    </div>
  );
}
