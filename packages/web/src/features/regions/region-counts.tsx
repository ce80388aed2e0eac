import type { TRegionDetail } from '@sinergi/domain';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../lib/format';

/** "35 kabupaten/kota · 576 kecamatan · 8.563 desa/kelurahan", only the levels below the region. */
export function DescendantCounts({ region }: { region: TRegionDetail }) {
  const { t } = useTranslation();
  const parts: { key: string; value: number }[] = [];
  if (region.level === 'province') parts.push({ key: 'regency', value: region.descendantCounts.regency });
  if (region.level === 'province' || region.level === 'regency') parts.push({ key: 'district', value: region.descendantCounts.district });
  if (region.level !== 'village') parts.push({ key: 'village', value: region.descendantCounts.village });
  if (parts.length === 0) return null;
  return (
    <dl className="counts">
      {parts.map((p) => (
        <div key={p.key}>
          <dt>{t(`regions.count.${p.key}`, { count: p.value })}</dt>
          <dd>{formatNumber(p.value)}</dd>
        </div>
      ))}
    </dl>
  );
}
