import type { TMe, TPermission, TRole } from '@sinergi/domain';
import { NATIONAL_SCOPE } from '../../lib/domain';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { hasPermission, useAuth, useMe } from '../auth/auth-context';
import { ChangePasswordDialog } from '../auth/change-password';
import { useDisclosure } from '../../lib/hooks';
import { useRegionDetails } from '../regions/region-cache';
import { DemoBadge } from './demo-badge';
import { Icon, type IconName } from './icons';
import { usePillarName, useRoleLabel } from './labels';
import { LanguageSwitch } from './language-switch';
import { NotificationBell } from '../notifications/notification-bell';

interface NavItem {
  href: string;
  labelKey: string;
  icon: IconName;
  permission: TPermission | null;
  /** shown only to desks that verify or handle reports */
  deskOnly?: boolean;
  /** not in a field officer's bar (kept short for the phone): desks and observers */
  notForField?: boolean;
  /** shown to desks that fill situation reports and to observers who read them */
  sitrep?: boolean;
  /** only these roles (the situation-room screens: regional desks and observers, not administrators) */
  roles?: readonly TRole[];
}

const SITUATION_ROLES: readonly TRole[] = ['province_desk', 'regency_desk', 'district_desk', 'observer'];

const NAV: NavItem[] = [
  { href: '/', labelKey: 'nav.home', icon: 'home', permission: null },
  { href: '/lapor', labelKey: 'nav.report', icon: 'plus', permission: 'reports.create' },
  { href: '/lapor/saya', labelKey: 'nav.mine', icon: 'list', permission: 'reports.create' },
  { href: '/laporan', labelKey: 'nav.triage', icon: 'board', permission: 'reports.verify', deskOnly: true },
  { href: '/kejadian', labelKey: 'nav.incidents', icon: 'list', permission: 'reports.verify', deskOnly: true },
  { href: '/peringatan', labelKey: 'nav.alerts', icon: 'warning', permission: 'records.read', notForField: true },
  { href: '/lapsit', labelKey: 'nav.sitrep', icon: 'doc', permission: 'records.read', sitrep: true },
  { href: '/peta', labelKey: 'nav.map', icon: 'globe', permission: 'records.read', roles: SITUATION_ROLES },
  { href: '/wilayah', labelKey: 'nav.regions', icon: 'map', permission: 'records.read' },
  { href: '/pengguna', labelKey: 'nav.users', icon: 'users', permission: 'users.manage' },
  { href: '/webhook', labelKey: 'nav.webhooks', icon: 'link', permission: 'config.manage' },
  { href: '/pengaturan', labelKey: 'nav.config', icon: 'gear', permission: 'config.manage' },
];

/** Navigation entries this user may open. */
export function navFor(me: TMe): NavItem[] {
  const isDesk = hasPermission(me, 'reports.verify') || hasPermission(me, 'reports.handle');
  return NAV.filter((item) => {
    if (item.roles && !item.roles.includes(me.role)) return false;
    if (item.deskOnly) return isDesk;
    if (item.notForField && !isDesk && hasPermission(me, 'reports.create')) return false;
    if (item.sitrep) return hasPermission(me, 'sitreps.write') || me.role === 'observer';
    // desks file reports from the board's workflow too, but their bar stays short: Lapor is for the field
    if (item.href.startsWith('/lapor') && isDesk) return false;
    return item.permission === null || hasPermission(me, item.permission);
  });
}

function isActive(href: string, location: string): boolean {
  if (href === '/lapor') return location === '/lapor';
  return href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`);
}

/** Header (brand, DATA DEMO, navigation, account), the page, and a bottom bar on phones. */
export function Shell({ children }: { children: ReactNode }) {
  const me = useMe();
  const { t } = useTranslation();
  const [location] = useLocation();
  const items = navFor(me);
  const [passwordOpen, setPasswordOpen] = useState(false);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <header className={`topbar${items.length > 6 ? ' topbar-crowded' : ''}`}>
        <div className="topbar-inner">
          <Link href="/" className="brand" aria-label={t('shell.homeLink')}>
            <img src="/favicon.svg" alt="" width="28" height="28" />
            <span>Sinergi</span>
          </Link>
          <DemoBadge />
          <nav className="topnav" aria-label={t('shell.mainNav')}>
            <ul>
              {items.map((item) => (
                <li key={item.href}>
                  <Link href={item.href} className="topnav-link" aria-current={isActive(item.href, location) ? 'page' : undefined}>
                    {t(item.labelKey)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="topbar-actions">
            <NotificationBell />
            <AccountMenu onChangePassword={() => setPasswordOpen(true)} />
          </div>
        </div>
      </header>
      {me.mustChangePassword ? (
        <div className="banner" role="note">
          <p>{t('auth.mustChange')}</p>
          <button type="button" className="btn btn-primary btn-small" onClick={() => setPasswordOpen(true)}>
            {t('auth.changePassword')}
          </button>
        </div>
      ) : null}
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
      <nav className="bottomnav" aria-label={t('shell.mobileNav')}>
        <ul>
          {items.map((item) => (
            <li key={item.href}>
              <Link href={item.href} className="bottomnav-link" aria-current={isActive(item.href, location) ? 'page' : undefined}>
                <Icon name={item.icon} size={22} />
                <span>{t(item.labelKey)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <ChangePasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </div>
  );
}

function AccountMenu({ onChangePassword }: { onChangePassword: () => void }) {
  const me = useMe();
  const { signOut } = useAuth();
  const { t } = useTranslation();
  const roleLabel = useRoleLabel();
  const pillarName = usePillarName();
  const { open, setOpen, panelId, wrapper, button } = useDisclosure('account');
  const regions = useRegionDetails(open ? me.scopes : []);

  const initials = me.fullName
    .split(/\s+/)
    .filter((w) => /^[A-Za-z]/.test(w))
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');

  return (
    <div className="account" ref={wrapper}>
      <button ref={button} type="button" className="account-button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
        <span className="avatar" aria-hidden="true">
          {initials || <Icon name="user" size={18} />}
        </span>
        <span className="account-name">{me.fullName}</span>
        <span className="visually-hidden"> — {t('shell.accountMenu')}</span>
      </button>
      {open ? (
        <div className="account-panel" id={panelId}>
          <p className="account-full">{me.fullName}</p>
          <p className="muted account-username">@{me.username}</p>
          <dl className="facts">
            <div>
              <dt>{t('users.role')}</dt>
              <dd>{roleLabel(me.role)}</dd>
            </div>
            <div>
              <dt>{t('users.pillar')}</dt>
              <dd>{pillarName(me.pillarCode)}</dd>
            </div>
            {me.position ? (
              <div>
                <dt>{t('users.position')}</dt>
                <dd>{me.position}</dd>
              </div>
            ) : null}
            <div>
              <dt>{t('users.scopes')}</dt>
              <dd>
                <ul className="plain-list">
                  {me.scopes.map((code) => (
                    <li key={code}>
                      {code === NATIONAL_SCOPE ? t('regions.national') : `${regions.get(code)?.name ?? ''} (${code})`.trim()}
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
          </dl>
          <div className="account-section">
            <p className="account-label" id={`${panelId}-lang`}>
              {t('common.language')}
            </p>
            <LanguageSwitch />
          </div>
          <div className="account-actions">
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                setOpen(false);
                onChangePassword();
              }}
            >
              {t('auth.changePassword')}
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => void signOut()}>
              {t('auth.signOut')}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
