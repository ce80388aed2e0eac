import type { TEscalationLevel, TReportStatus } from '@sinergi/domain';
import { useTranslation } from 'react-i18next';

/** The status as a coloured badge with its Indonesian name. */
export function StatusBadge({ status }: { status: TReportStatus }) {
  const { t } = useTranslation();
  return <span className={`badge status-${status}`}>{t(`reportStatus.${status}`)}</span>;
}

/** Severity 1–4 with its colour and name; the number is written too, never colour alone. */
export function SeverityBadge({ level }: { level: number }) {
  const { t } = useTranslation();
  return (
    <span className={`badge sev sev-${level}`}>
      {level} · {t(`severity.${level}`)}
    </span>
  );
}

export function EscalationBadge({ level }: { level: TEscalationLevel }) {
  const { t } = useTranslation();
  return <span className={`badge esc esc-${level}`}>{t(`escalation.${level}`)}</span>;
}
