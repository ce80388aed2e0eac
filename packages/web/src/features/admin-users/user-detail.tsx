import type { TUser } from '@sinergi/domain';
import { NATIONAL_SCOPE } from '../../lib/domain';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, ApiError, type OneTimeCode } from '../../api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert, Loading, Notice, OneTimeCodeBox, TextField } from '../../ui';
import { useMe } from '../auth/auth-context';
import { useRegionDetails } from '../regions/region-cache';
import { RegionPicker } from '../regions/region-picker';
import { usePillarName, useRoleLabel } from '../shell/labels';
import { ProfileFields, profilePayload, type ProfileValues } from './profile-fields';
import { UsersBreadcrumb } from './users-breadcrumb';

function profileOf(user: TUser): ProfileValues {
  return {
    fullName: user.fullName,
    role: user.role,
    pillarCode: user.pillarCode ?? '',
    position: user.position ?? '',
    phone: user.phone ?? '',
    email: user.email ?? '',
  };
}

function isUser(value: unknown): value is TUser {
  return typeof value === 'object' && value !== null && 'version' in value && 'username' in value;
}

/**
 * One account: edit, mutasi (scope change with reason), reset password, disable/enable.
 * Every write sends the version it saw; on 409 the newest version is loaded from the answer.
 */
export function UserDetailPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const [user, setUser] = useState<TUser | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [notice, setNotice] = useState<{ tone: 'success' | 'warning'; text: string } | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setUser(null);
    setLoadError(null);
    api.user(id, controller.signal).then(setUser, (e: unknown) => {
      if (!controller.signal.aborted) setLoadError(e);
    });
    return () => controller.abort();
  }, [id]);

  /** After a write: the new state, or on a conflict the server's current state. */
  function handleError(error: unknown): void {
    if (error instanceof ApiError && error.code === 'conflict' && isUser(error.details?.current)) {
      setUser(error.details.current);
      setNotice({ tone: 'warning', text: t('users.conflictReloaded') });
    }
  }

  function saved(next: TUser, text: string): void {
    setUser(next);
    setNotice({ tone: 'success', text });
  }

  if (loadError) return <ErrorAlert error={loadError} />;
  if (!user) return <Loading />;

  return (
    <div className="stack-lg">
      <UsersBreadcrumb current={user.fullName} />
      <Summary user={user} />
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      <div className="columns">
        <EditProfile key={`p-${user.version}`} user={user} onSaved={saved} onError={handleError} />
        <div className="stack-lg">
          <ScopeChange key={`s-${user.version}`} user={user} onSaved={saved} onError={handleError} />
          <ResetPassword user={user} />
          <DisableEnable key={`d-${user.version}`} user={user} onSaved={saved} onError={handleError} />
        </div>
      </div>
    </div>
  );
}

function Summary({ user }: { user: TUser }) {
  const { t, i18n } = useTranslation();
  const roleLabel = useRoleLabel();
  const pillarName = usePillarName();
  const regions = useRegionDetails(user.scopes);
  return (
    <header className="card stack">
      <div className="page-head-row">
        <div>
          <h1>{user.fullName}</h1>
          <p className="muted">
            @{user.username}
            {user.position ? ` · ${user.position}` : ''}
          </p>
        </div>
        {user.disabled ? (
          <span className="tag tag-danger" data-testid="user-status">
            {t('users.disabled')}
          </span>
        ) : (
          <span className="tag tag-ok" data-testid="user-status">
            {t('users.active')}
          </span>
        )}
      </div>
      <dl className="facts facts-grid">
        <div>
          <dt>{t('users.role')}</dt>
          <dd>{roleLabel(user.role)}</dd>
        </div>
        <div>
          <dt>{t('users.pillar')}</dt>
          <dd>{pillarName(user.pillarCode)}</dd>
        </div>
        <div>
          <dt>{t('users.phone')}</dt>
          <dd>{user.phone ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('users.email')}</dt>
          <dd>{user.email ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('users.lastLogin')}</dt>
          <dd>{user.lastLoginAt ? formatDateTime(user.lastLoginAt, i18n.language) : t('users.never')}</dd>
        </div>
        <div>
          <dt>{t('users.createdAt')}</dt>
          <dd>{formatDateTime(user.createdAt, i18n.language)}</dd>
        </div>
        <div className="facts-wide">
          <dt>{t('users.scopes')}</dt>
          <dd>
            <ul className="plain-list">
              {user.scopes.map((code) => (
                <li key={code}>
                  {code === NATIONAL_SCOPE ? (
                    t('regions.national')
                  ) : (
                    <Link href={`/wilayah/${code}`}>
                      {regions.get(code)?.name ?? ''} <span className="code">{code}</span>
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>
    </header>
  );
}

interface SectionProps {
  user: TUser;
  onSaved: (user: TUser, message: string) => void;
  onError: (error: unknown) => void;
}

function EditProfile({ user, onSaved, onError }: SectionProps) {
  const { t } = useTranslation();
  const [values, setValues] = useState<ProfileValues>(() => profileOf(user));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fields = error instanceof ApiError ? error.fieldMap() : {};

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.updateUser(user.id, { ...profilePayload(values), version: user.version }), t('users.profileSaved'));
    } catch (e) {
      setError(e);
      onError(e);
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="edit-title">
      <h2 id="edit-title">{t('users.editTitle')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate className="stack">
        <ErrorAlert error={error} />
        <ProfileFields values={values} onChange={setValues} errors={fields} />
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function ScopeChange({ user, onSaved, onError }: SectionProps) {
  const { t } = useTranslation();
  const me = useMe();
  const [scopes, setScopes] = useState<string[]>(user.scopes);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fields = error instanceof ApiError ? error.fieldMap() : {};

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.changeScope(user.id, { scopes, reason, version: user.version }), t('users.mutasiDone'));
    } catch (e) {
      setError(e);
      onError(e);
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="scope-title">
      <h2 id="scope-title">{t('users.mutasiTitle')}</h2>
      <p className="muted">{t('users.mutasiIntro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate className="stack">
        <ErrorAlert error={error} />
        <RegionPicker name="scopes" label={t('users.newScopes')} value={scopes} onChange={setScopes} error={fields.scopes} allowNational={me.scopes.includes(NATIONAL_SCOPE)} />
        <TextField name="reason" label={t('users.reason')} hint={t('users.mutasiReasonHint')} value={reason} onChange={(e) => setReason(e.target.value)} error={fields.reason} required autoComplete="off" />
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('users.mutasiSubmit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function ResetPassword({ user }: { user: TUser }) {
  const { t, i18n } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [code, setCode] = useState<OneTimeCode | null>(null);

  async function reset() {
    setBusy(true);
    setError(null);
    try {
      setCode(await api.resetPassword(user.id));
      setConfirming(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="reset-title">
      <h2 id="reset-title">{t('users.resetTitle')}</h2>
      <p className="muted">{t('users.resetIntro')}</p>
      <ErrorAlert error={error} />
      {code ? (
        <OneTimeCodeBox code={code.code} title={t('users.oneTimeCode')} note={t('users.resetCodeNote', { username: user.username, expires: formatDateTime(code.expiresAt, i18n.language) })} />
      ) : null}
      {confirming ? (
        <div className="confirm" role="group" aria-label={t('users.resetTitle')}>
          <p>{t('users.resetConfirm', { name: user.fullName })}</p>
          <div className="actions">
            <button type="button" className="btn btn-secondary" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
            <button type="button" className="btn btn-danger" onClick={() => void reset()} disabled={busy}>
              {t('users.resetYes')}
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button type="button" className="btn btn-secondary" onClick={() => setConfirming(true)}>
            {t('users.resetButton')}
          </button>
        </div>
      )}
    </section>
  );
}

function DisableEnable({ user, onSaved, onError }: SectionProps) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fields = error instanceof ApiError ? error.fieldMap() : {};

  async function run(action: () => Promise<TUser>, message: string) {
    setBusy(true);
    setError(null);
    try {
      onSaved(await action(), message);
    } catch (e) {
      setError(e);
      onError(e);
      setBusy(false);
    }
  }

  if (user.disabled) {
    return (
      <section className="card stack" aria-labelledby="enable-title">
        <h2 id="enable-title">{t('users.enableTitle')}</h2>
        <p className="muted">{t('users.enableIntro')}</p>
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run(() => api.enableUser(user.id, { version: user.version }), t('users.enabledDone'))}>
            {t('users.enableSubmit')}
          </button>
        </div>
      </section>
    );
  }
  return (
    <section className="card stack" aria-labelledby="disable-title">
      <h2 id="disable-title">{t('users.disableTitle')}</h2>
      <p className="muted">{t('users.disableIntro')}</p>
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => api.disableUser(user.id, { reason, version: user.version }), t('users.disabledDone'));
        }}
      >
        <ErrorAlert error={error} />
        <TextField name="disableReason" label={t('users.reason')} hint={t('users.disableReasonHint')} value={reason} onChange={(e) => setReason(e.target.value)} error={fields.reason} required autoComplete="off" />
        <div className="actions">
          <button type="submit" className="btn btn-danger" disabled={busy}>
            {t('users.disableSubmit')}
          </button>
        </div>
      </form>
    </section>
  );
}
