import type { TRiskItem } from '@sinergi/domain';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { formatNumber } from '../../lib/format';
import { LEVEL_COLOURS } from '../dashboard/vulnerability';

/**
 * The same picture as the map's polygons where no boundary was imported: one tile per child
 * region, coloured by its vulnerability level, the most vulnerable first. Each tile is a link
 * with its name, level and score written out (colour is never the only cue).
 */
export function RegionTiles({ items }: { items: TRiskItem[] }) {
  const { t } = useTranslation();
  const sorted = [...items].sort((a, b) => b.score - a.score || a.regionCode.localeCompare(b.regionCode));
  if (sorted.length === 0) return <p className="muted">{t('map.noChildren')}</p>;
  return (
    <ul className="tile-grid" data-testid="region-tiles">
      {sorted.map((r) => (
        <li key={r.regionCode}>
          <Link href={`/wilayah/${r.regionCode}`} className={`tile tile-${r.level}`} style={{ background: LEVEL_COLOURS[r.level] }}>
            <span className="tile-name">{r.regionName}</span>
            <span className="tile-meta">
              {t(`vulnerability.${r.level}`)} · {formatNumber(Math.round(r.score * 10) / 10)}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
