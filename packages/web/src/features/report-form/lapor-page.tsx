import type { TMe } from '@sinergi/domain';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { ReportCreateInput } from '../../api/reports';
import { useErrorText } from '../../ui';
import { TextField } from '../../ui';
import { useMe } from '../auth/auth-context';
import { RegionPicker } from '../regions/region-picker';
import { useRegionDetails } from '../regions/region-cache';
import { offeredSubcategories, useLabel, useTaxonomy } from '../reports/taxonomy';
import { CategoryTiles, checkReportBasics, DescriptionField, focusFirstInvalid, localInputValue, type BasicErrors } from './fields';
import { OutboxList } from './outbox-list';
import { useOnline, useOutbox, type PendingPhoto } from './outbox';
import { downscalePhoto } from './photo';

const NAMES_KEY = 'sinergi.villageNames';

function isVillageCode(code: string): boolean {
  return /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(code);
}

/** Village names of the user's scope, remembered on the device so the form works offline. */
function useVillageNames(me: TMe): Record<string, string> {
  const villages = me.scopes.filter(isVillageCode);
  const details = useRegionDetails(villages);
  const [names, setNames] = useState<Record<string, string>>(() => {
    try {
      return JSON.parse(localStorage.getItem(NAMES_KEY) ?? '{}') as Record<string, string>;
    } catch {
      return {};
    }
  });
  useEffect(() => {
    if (details.size === 0) return;
    setNames((old) => {
      const next = { ...old };
      for (const [code, d] of details) next[code] = d.name;
      try {
        localStorage.setItem(NAMES_KEY, JSON.stringify(next));
      } catch {
        // not remembered; still shown
      }
      return next;
    });
  }, [details]);
  return names;
}

type Errors = BasicErrors & Partial<Record<'severity' | 'photo', string>>;

/**
 * Lapor: the field form. One column, big targets, works with no signal: the report is stored
 * on the phone with its own id and sent when the signal returns.
 */
export function LaporPage() {
  const me = useMe();
  const { t } = useTranslation();
  const label = useLabel();
  const errorText = useErrorText();
  const online = useOnline();
  const { taxonomy, error: taxonomyError } = useTaxonomy();
  const { box, queue, sent } = useOutbox(me.id);
  const names = useVillageNames(me);
  const villages = me.scopes.filter(isVillageCode);
  const onlyVillages = villages.length > 0 && villages.length === me.scopes.length;

  const [category, setCategory] = useState('');
  const [subcategory, setSubcategory] = useState('');
  const [severity, setSeverity] = useState(0);
  const [regionCode, setRegionCode] = useState(villages.length === 1 && onlyVillages ? villages[0]! : '');
  const [occurredAt, setOccurredAt] = useState(() => localInputValue(new Date()));
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [involved, setInvolved] = useState('');
  const [confidential, setConfidential] = useState(false);
  const [location, setLocation] = useState<{ lat: number; lon: number; accuracy: number } | null>(null);
  const [locating, setLocating] = useState(false);
  const [locationError, setLocationError] = useState('');
  const [photo, setPhoto] = useState<PendingPhoto | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [savedId, setSavedId] = useState('');
  const [saving, setSaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const photoInput = useRef<HTMLInputElement>(null);

  const categoryDef = taxonomy?.categories.find((c) => c.code === category);
  const subcategories = offeredSubcategories(categoryDef);

  function useGps() {
    if (!('geolocation' in navigator)) {
      setLocationError(t('report.gpsUnavailable'));
      return;
    }
    setLocating(true);
    setLocationError('');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        setLocation({ lat: Number(pos.coords.latitude.toFixed(6)), lon: Number(pos.coords.longitude.toFixed(6)), accuracy: Math.round(pos.coords.accuracy) });
      },
      (err) => {
        setLocating(false);
        setLocationError(err.code === err.PERMISSION_DENIED ? t('report.gpsDenied') : t('report.gpsFailed'));
      },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  }

  async function onPhoto(file: File | undefined) {
    setErrors((e) => ({ ...e, photo: undefined }));
    if (!file) {
      setPhoto(null);
      return;
    }
    try {
      setPhoto(await downscalePhoto(file));
    } catch {
      setPhoto(null);
      setErrors((e) => ({ ...e, photo: t('report.photoFailed') }));
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { errors: basics, when } = checkReportBasics({ category, regionCode, title, occurredAt }, t);
    const next: Errors = { ...basics, ...(!severity ? { severity: t('report.errors.severity') } : {}) };
    setErrors(next);
    if (Object.keys(next).length > 0) {
      focusFirstInvalid(form);
      return;
    }
    const body: ReportCreateInput = {
      id: crypto.randomUUID(),
      category,
      ...(subcategory ? { subcategory } : {}),
      severity,
      regionCode,
      occurredAt: when.toISOString(),
      title: title.trim(),
      description: description.trim(),
      ...(involved.trim() ? { involved: involved.trim() } : {}),
      ...(location ? { lat: location.lat, lon: location.lon } : {}),
      confidential,
    };
    setSaving(true);
    try {
      await box.add(body, photo);
      setSavedId(body.id);
      setCategory('');
      setSubcategory('');
      setSeverity(0);
      if (!(villages.length === 1 && onlyVillages)) setRegionCode('');
      setOccurredAt(localInputValue(new Date()));
      setTitle('');
      setDescription('');
      setInvolved('');
      setConfidential(false);
      setLocation(null);
      setPhoto(null);
      if (photoInput.current) photoInput.current.value = '';
      document.getElementById('outbox-title')?.scrollIntoView({ block: 'start' });
    } catch (error) {
      setSavedId('');
      setErrors({ title: errorText(error) });
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="stack-lg lapor">
      <header className="page-head">
        <h1>{t('report.formTitle')}</h1>
        <p className={`net-status ${online ? 'net-online' : 'net-offline'}`} role="status">
          <span className="net-dot" aria-hidden="true" />
          {online ? t('report.online') : t('report.offline')}
        </p>
      </header>

      <SavedNotice id={savedId} queued={queue.find((q) => q.id === savedId)?.state ?? null} receipt={sent.find((s) => s.id === savedId)?.receiptCode ?? null} online={online} />

      {!taxonomy ? (
        taxonomyError ? (
          <div className="alert alert-error" role="alert">
            <p>{t('report.taxonomyMissing')}</p>
          </div>
        ) : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <form ref={form} className="stack report-form" onSubmit={(e) => void submit(e)} noValidate>
          <CategoryTiles
            taxonomy={taxonomy}
            value={category}
            onChange={(code) => {
              setCategory(code);
              setSubcategory('');
            }}
            error={errors.category}
          />

          {subcategories.length > 0 ? (
            <div className="field">
              <label htmlFor="lapor-sub">{t('report.subcategory')}</label>
              <select id="lapor-sub" value={subcategory} onChange={(e) => setSubcategory(e.target.value)}>
                <option value="">{t('report.subcategoryNone')}</option>
                {subcategories.map((s) => (
                  <option key={s.code} value={s.code}>
                    {label(s.label)}
                  </option>
                ))}
              </select>
            </div>
          ) : null}

          <fieldset className={`tiles-field${errors.severity ? ' field-invalid' : ''}`}>
            <legend>
              {t('report.severity')} <span className="required">({t('common.required')})</span>
            </legend>
            <div className="tiles tiles-severity">
              {taxonomy.severities.map((s) => (
                <label key={s.level} className={`tile tile-sev sev-${s.level}${severity === s.level ? ' tile-on' : ''}`}>
                  <input type="radio" name="severity" value={s.level} checked={severity === s.level} aria-invalid={errors.severity ? true : undefined} onChange={() => setSeverity(s.level)} />
                  <span className="tile-main">
                    {s.level} · {label(s.label)}
                  </span>
                  <span className="tile-sub">{label(s.meaning)}</span>
                </label>
              ))}
            </div>
            {errors.severity ? <p className="field-error">{errors.severity}</p> : null}
          </fieldset>

          {onlyVillages ? (
            <fieldset className={`tiles-field${errors.regionCode ? ' field-invalid' : ''}`}>
              <legend>
                {t('report.village')} <span className="required">({t('common.required')})</span>
              </legend>
              <div className="tiles tiles-village">
                {villages.map((code) => (
                  <label key={code} className={`tile${regionCode === code ? ' tile-on' : ''}`}>
                    <input type="radio" name="regionCode" value={code} checked={regionCode === code} aria-invalid={errors.regionCode ? true : undefined} onChange={() => setRegionCode(code)} />
                    <span>{names[code] ?? code}</span>
                  </label>
                ))}
              </div>
              {errors.regionCode ? <p className="field-error">{errors.regionCode}</p> : null}
            </fieldset>
          ) : (
            <RegionPicker
              label={t('report.village')}
              name="regionCode"
              single
              value={regionCode ? [regionCode] : []}
              onChange={(codes) => setRegionCode(codes[0] ?? '')}
              hint={t('report.villageHint')}
              error={errors.regionCode}
            />
          )}

          <TextField label={t('report.title')} name="title" value={title} required maxLength={200} onChange={(e) => setTitle(e.target.value)} error={errors.title} hint={t('report.titleHint')} />
          <DescriptionField id="lapor-desc" value={description} onChange={setDescription} />
          <TextField label={t('report.involved')} name="involved" value={involved} maxLength={2000} onChange={(e) => setInvolved(e.target.value)} />
          <TextField label={t('report.occurredAt')} name="occurredAt" type="datetime-local" value={occurredAt} required onChange={(e) => setOccurredAt(e.target.value)} error={errors.occurredAt} />

          <div className="field">
            <span className="field-label" id="lapor-gps-label">
              {t('report.location')}
            </span>
            {location ? (
              <p className="gps-value">
                {location.lat.toLocaleString('id-ID', { maximumFractionDigits: 5 })}, {location.lon.toLocaleString('id-ID', { maximumFractionDigits: 5 })} (±{location.accuracy.toLocaleString('id-ID')} m){' '}
                <button type="button" className="btn btn-ghost btn-small" onClick={() => setLocation(null)}>
                  {t('report.gpsClear')}
                </button>
              </p>
            ) : (
              <button type="button" className="btn btn-secondary btn-block" aria-describedby="lapor-gps-label" onClick={useGps} disabled={locating}>
                {locating ? t('report.gpsLocating') : t('report.gpsUse')}
              </button>
            )}
            {locationError ? <p className="field-error">{locationError}</p> : null}
          </div>

          <div className={`field${errors.photo ? ' field-invalid' : ''}`}>
            <label htmlFor="lapor-photo">{t('report.photo')}</label>
            <input ref={photoInput} id="lapor-photo" type="file" accept="image/*" capture="environment" onChange={(e) => void onPhoto(e.target.files?.[0])} aria-describedby="lapor-photo-hint" />
            <p className="field-hint" id="lapor-photo-hint">
              {photo ? t('report.photoReady', { size: Math.round(photo.blob.size / 1024).toLocaleString('id-ID') }) : t('report.photoHint')}
            </p>
            {errors.photo ? <p className="field-error">{errors.photo}</p> : null}
          </div>

          <label className="check">
            <input type="checkbox" checked={confidential} onChange={(e) => setConfidential(e.target.checked)} />
            <span>
              {t('report.confidential')}
              <span className="field-hint block">{t('report.confidentialHint')}</span>
            </span>
          </label>

          <button type="submit" className="btn btn-primary btn-block btn-large" disabled={saving}>
            {online ? t('report.submit') : t('report.submitOffline')}
          </button>
        </form>
      )}

      <section aria-labelledby="outbox-title" className="stack">
        <h2 id="outbox-title">{t('report.outboxTitle')}</h2>
        <OutboxList limitSent={5} />
        <p>
          <Link href="/lapor/saya">{t('report.allMine')}</Link>
        </p>
      </section>
    </div>
  );
}

/** What became of the report just filed: kept on the phone, received (with its code), or refused. */
function SavedNotice({ id, queued, receipt, online }: { id: string; queued: 'waiting' | 'rejected' | null; receipt: string | null; online: boolean }) {
  const { t } = useTranslation();
  if (!id) return null;
  if (receipt) {
    return (
      <div className="alert alert-success" role="status">
        <p>
          {t('report.acceptedNotice')} <code className="receipt">{receipt}</code>
        </p>
      </div>
    );
  }
  if (queued === 'rejected') {
    return (
      <div className="alert alert-error" role="alert">
        <p>{t('report.rejectedNotice')}</p>
      </div>
    );
  }
  if (queued === 'waiting') {
    return (
      <div className="alert alert-info" role="status">
        <p>{online ? t('report.savedOnline') : t('report.savedOffline')}</p>
      </div>
    );
  }
  return null;
}
