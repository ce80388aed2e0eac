import { useTranslation } from 'react-i18next';
import { useHealth } from './health';

/** A clear mark that everything on screen is demo data (GET /api/health → demo: true). */
export function DemoBadge() {
  const health = useHealth();
  const { t } = useTranslation();
  if (!health?.demo) return null;
  return (
    <span className="demo-badge" title={t('shell.demoTitle')}>
      {t('shell.demo')}
    </span>
  );
}
