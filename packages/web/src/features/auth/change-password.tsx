import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api';
import { Dialog, ErrorAlert, Notice, TextField } from '../../ui';
import { useAuth } from './auth-context';

/** Change your own password; the server signs out your other sessions. */
export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} title={t('auth.changePassword')} onClose={onClose}>
      <ChangePasswordForm onDone={onClose} />
    </Dialog>
  );
}

function ChangePasswordForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { refreshMe } = useAuth();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const fields = error instanceof ApiError ? error.fieldMap() : {};

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
      await api.changePassword(currentPassword, newPassword);
      setDone(true);
      await refreshMe();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <div className="stack">
        <Notice tone="success">{t('auth.passwordChanged')}</Notice>
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={onDone}>
            {t('common.close')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="stack">
      <ErrorAlert error={error} />
      <TextField name="currentPassword" type="password" label={t('auth.currentPassword')} autoComplete="current-password" value={currentPassword} onChange={(e) => setCurrent(e.target.value)} error={fields.currentPassword} required />
      <TextField name="newPassword" type="password" label={t('auth.newPassword')} hint={t('auth.passwordRule')} autoComplete="new-password" value={newPassword} onChange={(e) => setNew(e.target.value)} error={fields.newPassword} required />
      <TextField name="confirmPassword" type="password" label={t('auth.confirmPassword')} autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={mismatch ? t('auth.passwordMismatch') : undefined} required />
      <p className="muted">{t('auth.otherSessionsNote')}</p>
      <div className="actions">
        <button type="button" className="btn btn-secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}
