import { useRef, useState, type FormEvent } from 'react';
import { useFocusInvalid } from '../../lib/hooks';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, ApiError } from '../../api';
import { ErrorAlert, Notice, TextField } from '../../ui';
import { DemoBadge } from '../shell/demo-badge';
import { LanguageSwitch } from '../shell/language-switch';
import { useAuth } from './auth-context';

type Mode = 'login' | 'redeem';

/** Sign in, or a first sign-in with the one-time code an administrator handed over. */
export function LoginPage({ reason }: { reason: 'none' | 'expired' | 'loggedOut' }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>('login');
  return (
    <div className="login-page">
      <main className="login-card" id="main">
        <div className="login-top">
          <div className="brand brand-large">
            <img src="/favicon.svg" alt="" width="36" height="36" />
            <span>Sinergi</span>
          </div>
          <DemoBadge />
        </div>
        <p className="login-tagline">{t('app.tagline')}</p>
        <LanguageSwitch />
        {reason === 'expired' ? <Notice tone="warning">{t('auth.sessionExpired')}</Notice> : null}
        {reason === 'loggedOut' ? <Notice tone="success">{t('auth.loggedOut')}</Notice> : null}
        {mode === 'login' ? <LoginForm /> : <RedeemForm />}
        <p className="login-switch">
          {mode === 'login' ? (
            <button type="button" className="btn-link" onClick={() => setMode('redeem')}>
              {t('auth.firstSignIn')}
            </button>
          ) : (
            <button type="button" className="btn-link" onClick={() => setMode('login')}>
              {t('auth.backToLogin')}
            </button>
          )}
        </p>
        <p className="login-switch">
          <Link href="/publik">{t('public.loginLink')}</Link>
        </p>
      </main>
    </div>
  );
}

function LoginForm() {
  const { t } = useTranslation();
  const { signedIn } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fields = error instanceof ApiError ? error.fieldMap() : {};

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      signedIn(await api.login(username, password));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="login-title">
      <h1 id="login-title">{t('auth.loginTitle')}</h1>
      <ErrorAlert error={error} />
      <TextField name="username" label={t('auth.username')} autoComplete="username" autoCapitalize="none" spellCheck={false} value={username} onChange={(e) => setUsername(e.target.value)} error={fields.username} required />
      <TextField name="password" type="password" label={t('auth.password')} autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={fields.password} required />
      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
        {busy ? t('auth.signingIn') : t('auth.signIn')}
      </button>
    </form>
  );
}

function RedeemForm() {
  const { t } = useTranslation();
  const { signedIn } = useAuth();
  const [username, setUsername] = useState('');
  const [code, setCode] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const fields = error instanceof ApiError ? error.fieldMap() : {};
  const formRef = useRef<HTMLFormElement>(null);
  useFocusInvalid(formRef, error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (newPassword !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    setError(null);
    try {
      signedIn(await api.redeem(username, code, newPassword));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate aria-labelledby="redeem-title">
      <h1 id="redeem-title">{t('auth.redeemTitle')}</h1>
      <p className="muted">{t('auth.redeemIntro')}</p>
      <ErrorAlert error={error} />
      <TextField name="username" label={t('auth.username')} autoComplete="username" autoCapitalize="none" spellCheck={false} value={username} onChange={(e) => setUsername(e.target.value)} error={fields.username} required />
      <TextField name="code" label={t('auth.oneTimeCode')} autoComplete="one-time-code" autoCapitalize="none" spellCheck={false} value={code} onChange={(e) => setCode(e.target.value)} error={fields.code} required />
      <TextField name="newPassword" type="password" label={t('auth.newPassword')} hint={t('auth.passwordRule')} autoComplete="new-password" value={newPassword} onChange={(e) => setNewPassword(e.target.value)} error={fields.newPassword} required />
      <TextField name="confirmPassword" type="password" label={t('auth.confirmPassword')} autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={mismatch ? t('auth.passwordMismatch') : undefined} required />
      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
        {busy ? t('auth.signingIn') : t('auth.redeemSubmit')}
      </button>
    </form>
  );
}
