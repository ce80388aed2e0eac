import type { TDelivery, TWebhook } from '@sinergi/domain';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { notificationsApi } from '../../api/notifications';
import { NATIONAL_SCOPE } from '../../lib/domain';
import { formatDateTime } from '../../lib/format';
import { useAsync, useFormSubmit } from '../../lib/hooks';
import { CopyButton, DataTable, ErrorAlert, Loading, Notice, TextField } from '../../ui';
import { useMe } from '../auth/auth-context';
import { useRegionDetails } from '../regions/region-cache';
import { RegionPicker } from '../regions/region-picker';

/** The topic's label ("report.created" → webhooks.topic.report_created), or the topic itself. */
function useTopicLabel(): (topic: string) => string {
  const { t } = useTranslation();
  return (topic) => t(`webhooks.topic.${topic.replace(/\./g, '_')}`, { defaultValue: topic });
}

/**
 * Webhook subscriptions (administrators, within their scope): who receives signed notices of
 * which topics for which region, how their deliveries went, and the dead ones to send again.
 */
export function WebhooksPage() {
  const { t } = useTranslation();
  const [state, reload] = useAsync((signal) => notificationsApi.webhooks(signal), []);
  const [dead, reloadDead] = useAsync((signal) => notificationsApi.deliveries({ status: 'dead', limit: 20 }, signal), []);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [creating, setCreating] = useState(false);

  const onSecret = (hook: TWebhook) => {
    if (hook.secret) setSecret({ name: hook.name, secret: hook.secret });
    reload();
  };

  return (
    <div className="stack-lg">
      <header className="page-head">
        <h1>{t('webhooks.title')}</h1>
        <p className="muted">{t('webhooks.intro')}</p>
      </header>
      {secret ? (
        <Notice tone="success">
          <p>{t('webhooks.secretOnce', { name: secret.name })}</p>
          <p>
            <code data-testid="webhook-secret">{secret.secret}</code> <CopyButton text={secret.secret} />
          </p>
          <p className="muted">{t('webhooks.verifyHint')}</p>
        </Notice>
      ) : null}
      {creating && state.status === 'ok' ? (
        <WebhookForm
          topics={state.data.topics}
          onDone={(hook) => {
            setCreating(false);
            onSecret(hook);
          }}
          onCancel={() => setCreating(false)}
        />
      ) : (
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            {t('webhooks.add')}
          </button>
        </div>
      )}
      <section aria-labelledby="webhooks-list-title" className="stack">
        <h2 id="webhooks-list-title">{t('webhooks.listTitle')}</h2>
        {state.status === 'loading' ? <Loading /> : null}
        {state.status === 'error' ? <ErrorAlert error={state.error} /> : null}
        {state.status === 'ok' && state.data.items.length === 0 ? <p className="muted">{t('webhooks.none')}</p> : null}
        {state.status === 'ok' && state.data.items.length > 0 ? (
          <ul className="webhook-list">
            {state.data.items.map((hook) => (
              <WebhookCard key={hook.id} hook={hook} onChanged={onSecret} />
            ))}
          </ul>
        ) : null}
      </section>
      <section aria-labelledby="webhooks-dead-title" className="stack">
        <h2 id="webhooks-dead-title">{t('webhooks.deadTitle')}</h2>
        <p className="muted">{t('webhooks.deadIntro')}</p>
        {dead.status === 'loading' ? <Loading /> : null}
        {dead.status === 'error' ? <ErrorAlert error={dead.error} /> : null}
        {dead.status === 'ok' ? <DeadDeliveries items={dead.data.items} onRetried={() => (reloadDead(), reload())} /> : null}
      </section>
    </div>
  );
}

function WebhookForm({ topics, onDone, onCancel }: { topics: string[]; onDone: (hook: TWebhook) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const topicLabel = useTopicLabel();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [scope, setScope] = useState<string[]>(me.scopes.length === 1 && me.scopes[0] !== NATIONAL_SCOPE ? [me.scopes[0]!] : []);
  const { busy, error, fields, formRef, run } = useFormSubmit();

  function submit(event: FormEvent) {
    event.preventDefault();
    return run(async () => onDone(await notificationsApi.createWebhook({ name: name.trim(), url: url.trim(), topics: chosen, regionScope: scope[0] ?? '' })));
  }

  return (
    <form ref={formRef} className="card stack" onSubmit={(e) => void submit(e)} noValidate>
      <h2>{t('webhooks.add')}</h2>
      {error ? <ErrorAlert error={error} /> : null}
      <TextField label={t('webhooks.name')} name="name" value={name} onChange={(e) => setName(e.target.value)} error={fields.name} required />
      <TextField label={t('webhooks.url')} name="url" type="url" inputMode="url" placeholder="https://" value={url} onChange={(e) => setUrl(e.target.value)} error={fields.url} hint={t('webhooks.urlHint')} required />
      <fieldset className="topic-choices" aria-invalid={fields.topics ? true : undefined}>
        <legend>{t('webhooks.topics')}</legend>
        {topics.map((topic) => (
          <label key={topic}>
            <input
              type="checkbox"
              name="topics"
              value={topic}
              checked={chosen.includes(topic)}
              onChange={(e) => setChosen((list) => (e.target.checked ? [...list, topic] : list.filter((x) => x !== topic)))}
            />
            {topicLabel(topic)}
          </label>
        ))}
        {fields.topics ? <p className="field-error">{fields.topics}</p> : null}
      </fieldset>
      <RegionPicker
        label={t('webhooks.region')}
        name="regionScope"
        value={scope}
        onChange={setScope}
        single
        allowNational={me.scopes.includes(NATIONAL_SCOPE)}
        error={fields.regionScope}
        hint={t('webhooks.regionHint')}
      />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('webhooks.save')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function WebhookCard({ hook, onChanged }: { hook: TWebhook; onChanged: (hook: TWebhook) => void }) {
  const { t } = useTranslation();
  const topicLabel = useTopicLabel();
  const regions = useRegionDetails(hook.regionScope === NATIONAL_SCOPE ? [] : [hook.regionScope]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const act = async (work: () => Promise<TWebhook | void>) => {
    setBusy(true);
    setError(null);
    try {
      const result = await work();
      onChanged(result ?? hook);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="webhook-card">
      <h3>
        {hook.name} {hook.active ? null : <span className="muted">({t('webhooks.inactive')})</span>}
      </h3>
      <p className="webhook-url">{hook.url}</p>
      <dl className="facts">
        <div>
          <dt>{t('webhooks.topics')}</dt>
          <dd>{hook.topics.map(topicLabel).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('webhooks.region')}</dt>
          <dd>{hook.regionScope === NATIONAL_SCOPE ? t('regions.national') : `${regions.get(hook.regionScope)?.name ?? ''} (${hook.regionScope})`.trim()}</dd>
        </div>
        <div>
          <dt>{t('webhooks.deliveries')}</dt>
          <dd>
            {t('webhooks.counts', { sent: hook.deliveries.sent, pending: hook.deliveries.pending })}
            {hook.deliveries.dead > 0 ? <span className="tag-dead"> · {t('webhooks.deadCount', { count: hook.deliveries.dead })}</span> : null}
          </dd>
        </div>
      </dl>
      {error ? <ErrorAlert error={error} /> : null}
      <div className="webhook-actions">
        <button type="button" className="btn btn-secondary btn-small" disabled={busy} onClick={() => void act(() => notificationsApi.updateWebhook(hook.id, { version: hook.version, active: !hook.active }))}>
          {hook.active ? t('webhooks.deactivate') : t('webhooks.activate')}
        </button>
        <button type="button" className="btn btn-secondary btn-small" disabled={busy} onClick={() => void act(() => notificationsApi.updateWebhook(hook.id, { version: hook.version, rotateSecret: true }))}>
          {t('webhooks.rotate')}
        </button>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          disabled={busy}
          onClick={() => {
            if (window.confirm(t('webhooks.confirmDelete', { name: hook.name }))) void act(() => notificationsApi.deleteWebhook(hook.id));
          }}
        >
          {t('webhooks.delete')}
        </button>
      </div>
    </li>
  );
}

function DeadDeliveries({ items, onRetried }: { items: TDelivery[]; onRetried: () => void }) {
  const { t, i18n } = useTranslation();
  const topicLabel = useTopicLabel();
  const [error, setError] = useState<unknown>(null);
  if (items.length === 0) return <p className="muted">{t('webhooks.noDead')}</p>;
  return (
    <>
      {error ? <ErrorAlert error={error} /> : null}
      <DataTable head={[t('webhooks.when'), t('webhooks.topicColumn'), t('webhooks.channel'), t('webhooks.lastError'), <span className="visually-hidden">{t('webhooks.retry')}</span>]}>
        {items.map((d) => (
          <tr key={d.key}>
            <td>{formatDateTime(d.createdAt, i18n.language)}</td>
            <td>{topicLabel(d.topic)}</td>
            <td>{d.channel === 'email' ? `${t('webhooks.email')}: ${d.target}` : t('webhooks.webhook')}</td>
            <td>
              {d.lastError} ({t('webhooks.attempts', { count: d.attempts })})
            </td>
            <td>
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() => {
                  setError(null);
                  notificationsApi.retryDelivery(d.key).then(onRetried, setError);
                }}
              >
                {t('webhooks.retry')}
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
