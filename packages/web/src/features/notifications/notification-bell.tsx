import type { TNotification } from '@sinergi/domain';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { notificationsApi } from '../../api/notifications';
import { useNotificationEvents } from '../../lib/event-stream';
import { formatAge } from '../../lib/format';
import { useDisclosure } from '../../lib/hooks';
import { ErrorAlert, Loading } from '../../ui';
import { Icon } from '../shell/icons';

/**
 * The bell in the top bar: the unread count, kept live by the event stream (a `notification`
 * event means "you have something new"), and a panel with the latest notifications.
 */
export function NotificationBell() {
  const { t, i18n } = useTranslation();
  const [unread, setUnread] = useState<number | null>(null);
  const { open, setOpen, panelId, wrapper, button } = useDisclosure('notifications');
  const [items, setItems] = useState<TNotification[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [announce, setAnnounce] = useState('');
  const openRef = useRef(open);
  openRef.current = open;

  const refresh = useCallback(async (withList: boolean) => {
    try {
      if (withList) {
        const page = await notificationsApi.list({ limit: 10 });
        setItems(page.items);
        setUnread(page.unread);
      } else {
        setUnread((await notificationsApi.unreadCount()).unread);
      }
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    void refresh(false);
  }, [refresh]);

  useNotificationEvents(() => {
    void refresh(openRef.current).then(() => setAnnounce(t('notifications.new')));
  });

  useEffect(() => {
    if (open) void refresh(true);
  }, [open, refresh]);

  const markAll = async () => {
    try {
      const result = await notificationsApi.markRead({ all: true });
      setUnread(result.unread);
      setItems((list) => list?.map((n) => ({ ...n, read: true })) ?? null);
    } catch (e) {
      setError(e);
    }
  };
  const markOne = (item: TNotification) => {
    if (item.read) return;
    void notificationsApi.markRead({ ids: [item.id] }).then((result) => {
      setUnread(result.unread);
      setItems((list) => list?.map((n) => (n.id === item.id ? { ...n, read: true } : n)) ?? null);
    });
  };

  const count = unread ?? 0;
  const label = count > 0 ? t('notifications.buttonUnread', { count }) : t('notifications.button');
  return (
    <div className="bell" ref={wrapper}>
      <button ref={button} type="button" className="bell-button" aria-expanded={open} aria-controls={panelId} aria-label={label} title={label} onClick={() => setOpen((o) => !o)}>
        <Icon name="bell" size={22} />
        {count > 0 ? (
          <span className="bell-count" data-testid="bell-count" aria-hidden="true">
            {count > 99 ? '99+' : count}
          </span>
        ) : null}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {announce}
      </span>
      {open ? (
        <div className="bell-panel" id={panelId} role="region" aria-label={t('notifications.title')}>
          <div className="bell-head">
            <h2>{t('notifications.title')}</h2>
            {count > 0 ? (
              <button type="button" className="btn btn-secondary btn-small" onClick={() => void markAll()}>
                {t('notifications.markAll')}
              </button>
            ) : null}
          </div>
          {error ? <ErrorAlert error={error} /> : null}
          {items === null && !error ? <Loading /> : null}
          {items?.length === 0 ? <p className="muted">{t('notifications.empty')}</p> : null}
          {items && items.length > 0 ? (
            <ul className="bell-list">
              {items.map((item) => (
                <li key={item.id} className={item.read ? 'bell-item' : 'bell-item bell-unread'}>
                  {item.link ? (
                    <Link
                      href={item.link}
                      onClick={() => {
                        markOne(item);
                        setOpen(false);
                      }}
                    >
                      {item.message}
                    </Link>
                  ) : (
                    <button type="button" className="link-button" onClick={() => markOne(item)}>
                      {item.message}
                    </button>
                  )}
                  <span className="muted bell-meta">
                    {item.read ? '' : `${t('notifications.unread')} · `}
                    {formatAge(item.createdAt, Date.now(), i18n.language)}
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
