import type { TUser } from '@sinergi/domain';
import { NATIONAL_SCOPE } from '../../lib/domain';
import { useState, type FormEvent } from 'react';
import { useFormSubmit } from '../../lib/hooks';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../../api';
import { ErrorAlert, Notice, OneTimeCodeBox, TextField } from '../../ui';
import { useMe } from '../auth/auth-context';
import { RegionPicker } from '../regions/region-picker';
import { EMPTY_PROFILE, ProfileFields, profilePayload, type ProfileValues } from './profile-fields';
import { UsersBreadcrumb } from './users-breadcrumb';

/** Create one account; without a password the API answers with a one-time code shown here once. */
export function UserCreatePage() {
  const { t } = useTranslation();
  const me = useMe();
  const [username, setUsername] = useState('');
  const [profile, setProfile] = useState<ProfileValues>(EMPTY_PROFILE);
  const [scopes, setScopes] = useState<string[]>([]);
  const [mode, setMode] = useState<'code' | 'password'>('code');
  const [password, setPassword] = useState('');
  const [created, setCreated] = useState<{ user: TUser; oneTimeCode: string | null } | null>(null);
  const { busy, error, fields, formRef, run } = useFormSubmit();

  function submit(event: FormEvent) {
    event.preventDefault();
    return run(async () => {
      const result = await api.createUser({ username: username.trim(), ...profilePayload(profile), scopes, ...(mode === 'password' ? { password } : {}) });
      setCreated(result);
      window.scrollTo({ top: 0 });
    });
  }

  function reset() {
    setCreated(null);
    setUsername('');
    setProfile(EMPTY_PROFILE);
    setScopes([]);
    setPassword('');
    setMode('code');
  }

  if (created) {
    return (
      <div className="stack-lg narrow">
        <header className="page-head">
          <h1>{t('users.createdTitle')}</h1>
        </header>
        <Notice tone="success">
          <p>{t('users.createdText', { name: created.user.fullName, username: created.user.username })}</p>
        </Notice>
        {created.oneTimeCode ? (
          <OneTimeCodeBox code={created.oneTimeCode} title={t('users.oneTimeCode')} note={t('users.oneTimeCodeNote', { username: created.user.username })} />
        ) : (
          <p>{t('users.passwordSet')}</p>
        )}
        <div className="actions">
          <button type="button" className="btn btn-secondary" onClick={reset}>
            {t('users.createAnother')}
          </button>
          <Link href={`/pengguna/${created.user.id}`} className="btn btn-secondary">
            {t('users.openUser')}
          </Link>
          <Link href="/pengguna" className="btn btn-primary">
            {t('users.backToList')}
          </Link>
        </div>
      </div>
    );
  }

  return (
    <div className="stack-lg narrow">
      <UsersBreadcrumb current={t('users.create')} />
      <h1>{t('users.create')}</h1>
      <form ref={formRef} className="card stack" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorAlert error={error} />
        <TextField name="username" label={t('users.username')} hint={t('users.usernameHint')} value={username} onChange={(e) => setUsername(e.target.value)} error={fields.username} required autoCapitalize="none" spellCheck={false} autoComplete="off" />
        <ProfileFields values={profile} onChange={setProfile} errors={fields} />
        <RegionPicker name="scopes" label={t('users.scopes')} hint={t('users.scopesHint')} value={scopes} onChange={setScopes} error={fields.scopes} allowNational={me.scopes.includes(NATIONAL_SCOPE)} />
        <fieldset className="fieldset">
          <legend>{t('users.firstSignIn')}</legend>
          <label className="check">
            <input type="radio" name="mode" value="code" checked={mode === 'code'} onChange={() => setMode('code')} />
            {t('users.modeCode')}
          </label>
          <label className="check">
            <input type="radio" name="mode" value="password" checked={mode === 'password'} onChange={() => setMode('password')} />
            {t('users.modePassword')}
          </label>
          {mode === 'password' ? (
            <TextField name="password" type="password" label={t('auth.password')} hint={t('auth.passwordRule')} value={password} onChange={(e) => setPassword(e.target.value)} error={fields.password} autoComplete="new-password" required />
          ) : null}
        </fieldset>
        <div className="actions">
          <Link href="/pengguna" className="btn btn-secondary">
            {t('common.cancel')}
          </Link>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('common.saving') : t('users.createSubmit')}
          </button>
        </div>
      </form>
    </div>
  );
}
