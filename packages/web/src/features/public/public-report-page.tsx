import type { TReportReceipt } from '@sinergi/domain';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ApiError } from '../../api';
import { publicApi, type PublicReportInput } from '../../api/public';
import { useFocusInvalid } from '../../lib/hooks';
import { deviceId, solveChallenge } from '../../lib/pow';
import { CopyButton, ErrorAlert, TextField } from '../../ui';
import { RegionPicker } from '../regions/region-picker';
import { CategoryTiles, checkReportBasics, DescriptionField, focusFirstInvalid, localInputValue, type BasicErrors } from '../report-form/fields';
import { useTaxonomy } from '../reports/taxonomy';
import { LanguageSwitch } from '../shell/language-switch';

/** Villages only: a citizen names the village where it happened. */
function searchVillages(query: { q: string; limit: number }, signal: AbortSignal) {
  return publicApi.regions({ q: query.q, limit: 50 }, signal).then((page) => ({
    items: page.items.filter((r) => r.level === 'village').slice(0, query.limit),
    nextCursor: null,
  }));
}

/** The frame of the public pages: no account, the app's name, the language switch. */
export function PublicFrame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="public-page">
      <header className="public-head">
        <span className="brand">Sinergi</span>
        <nav aria-label={t('public.nav')} className="public-nav">
          <Link href="/publik">{t('public.reportLink')}</Link>
          <Link href="/publik/status">{t('public.statusLink')}</Link>
          <Link href="/">{t('public.signIn')}</Link>
        </nav>
        <LanguageSwitch compact />
      </header>
      <main id="main" tabIndex={-1} className="public-main">
        {children}
      </main>
    </div>
  );
}

/**
 * Lapor sebagai warga: the public form. No account; the reporter may stay anonymous or leave a
 * name and number. The browser solves a small proof of work first (spam without a captcha), the
 * report gets a client UUID (a double tap stores it once) and the answer is a receipt code.
 */
export function PublicReportPage() {
  const { t } = useTranslation();
  const { taxonomy, error: taxonomyError } = useTaxonomy();
  const [category, setCategory] = useState('');
  const [regionCode, setRegionCode] = useState('');
  const [occurredAt, setOccurredAt] = useState(() => localInputValue(new Date()));
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [involved, setInvolved] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [errors, setErrors] = useState<BasicErrors>({});
  const [phase, setPhase] = useState<'idle' | 'checking' | 'sending'>('idle');
  const [error, setError] = useState<unknown>(null);
  const [receipt, setReceipt] = useState<TReportReceipt | null>(null);
  const pendingId = useRef<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, error);
  const serverFields = error instanceof ApiError ? error.fieldMap() : {};

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { errors: next, when } = checkReportBasics({ category, regionCode, title, occurredAt }, t);
    setErrors(next);
    if (Object.keys(next).length > 0) {
      focusFirstInvalid(form);
      return;
    }
    setError(null);
    // the same id across retries of this one report: a resend after a lost answer is stored once
    pendingId.current ??= crypto.randomUUID();
    try {
      setPhase('checking');
      const challenge = await publicApi.challenge();
      const nonce = await solveChallenge(challenge.challenge, challenge.difficulty);
      if (nonce === null) throw new Error(t('public.powFailed'));
      setPhase('sending');
      const contact = { ...(name.trim() ? { name: name.trim() } : {}), ...(phone.trim() ? { phone: phone.trim() } : {}) };
      const body: PublicReportInput = {
        id: pendingId.current,
        category,
        regionCode,
        occurredAt: when.toISOString(),
        title: title.trim(),
        description: description.trim(),
        ...(involved.trim() ? { involved: involved.trim() } : {}),
        ...(Object.keys(contact).length ? { contact } : {}),
        pow: { challenge: challenge.challenge, nonce },
      };
      setReceipt(await publicApi.submit(body, deviceId()));
      pendingId.current = null;
    } catch (e) {
      setError(e);
    } finally {
      setPhase('idle');
    }
  }

  if (receipt) {
    return (
      <PublicFrame>
        <div className="stack-lg public-receipt">
          <h1>{t('public.thanksTitle')}</h1>
          <div className="alert alert-success" role="status">
            <p>{t('public.thanksBody')}</p>
            <p className="receipt-line">
              <code className="receipt receipt-big">{receipt.receiptCode}</code> <CopyButton text={receipt.receiptCode} />
            </p>
          </div>
          <p>{t('public.keepCode')}</p>
          <p className="actions">
            <Link className="btn btn-primary" href={`/publik/status/${encodeURIComponent(receipt.receiptCode)}`}>
              {t('public.checkStatus')}
            </Link>
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                setReceipt(null);
                setCategory('');
                setRegionCode('');
                setTitle('');
                setDescription('');
                setInvolved('');
                setOccurredAt(localInputValue(new Date()));
              }}
            >
              {t('public.another')}
            </button>
          </p>
        </div>
      </PublicFrame>
    );
  }

  return (
    <PublicFrame>
      <div className="stack-lg lapor">
        <header className="page-head">
          <h1>{t('public.title')}</h1>
          <p className="muted">{t('public.intro')}</p>
        </header>
        {!taxonomy ? (
          taxonomyError ? <ErrorAlert error={taxonomyError} /> : <p role="status">{t('common.loading')}</p>
        ) : (
          <form ref={form} className="stack report-form" onSubmit={(e) => void submit(e)} noValidate aria-label={t('public.title')}>
            <ErrorAlert error={error} />
            <CategoryTiles taxonomy={taxonomy} value={category} onChange={setCategory} error={errors.category} />
            <RegionPicker
              label={t('report.village')}
              name="regionCode"
              single
              search={searchVillages}
              value={regionCode ? [regionCode] : []}
              onChange={(codes) => setRegionCode(codes[0] ?? '')}
              hint={t('public.villageHint')}
              error={errors.regionCode ?? serverFields.regionCode}
            />
            <TextField label={t('report.title')} name="title" value={title} required maxLength={200} onChange={(e) => setTitle(e.target.value)} error={errors.title ?? serverFields.title} hint={t('report.titleHint')} />
            <DescriptionField id="publik-desc" value={description} onChange={setDescription} />
            <TextField label={t('report.involved')} name="involved" value={involved} maxLength={2000} onChange={(e) => setInvolved(e.target.value)} />
            <TextField label={t('report.occurredAt')} name="occurredAt" type="datetime-local" value={occurredAt} required onChange={(e) => setOccurredAt(e.target.value)} error={errors.occurredAt ?? serverFields.occurredAt} />
            <fieldset className="stack">
              <legend>{t('public.contactTitle')}</legend>
              <p className="field-hint">{t('public.contactHint')}</p>
              <TextField label={t('public.name')} name="contactName" value={name} maxLength={200} autoComplete="name" onChange={(e) => setName(e.target.value)} error={undefined} />
              <TextField label={t('public.phone')} name="contactPhone" type="tel" value={phone} maxLength={25} autoComplete="tel" onChange={(e) => setPhone(e.target.value)} error={serverFields.contact} />
            </fieldset>
            <button type="submit" className="btn btn-primary btn-block btn-large" disabled={phase !== 'idle'}>
              {phase === 'checking' ? t('public.checking') : phase === 'sending' ? t('public.sending') : t('report.submit')}
            </button>
            <p className="field-hint">{t('public.privacy')}</p>
          </form>
        )}
      </div>
    </PublicFrame>
  );
}
