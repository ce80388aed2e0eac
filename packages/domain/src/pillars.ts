/**
 * Default pillars ("6 pilar") and the agencies outside them that handle reports. Seeded into
 * the pillars table on first start; operators edit them there. No regulation fixes exactly
 * six pillars (shared/domain.md), so this is data, not an enum.
 */
export interface PillarSeed {
  code: string;
  name: string;
  nameEn: string;
  kind: 'pillar' | 'agency';
  description: string;
}

export const DEFAULT_PILLARS: readonly PillarSeed[] = [
  { code: 'polri', name: 'Polri', nameEn: 'National Police', kind: 'pillar', description: 'Polda, Polres, Polsek, Bhabinkamtibmas' },
  { code: 'tni', name: 'TNI', nameEn: 'Armed Forces', kind: 'pillar', description: 'Kodam, Korem, Kodim, Koramil, Babinsa' },
  { code: 'pemda', name: 'Pemda', nameEn: 'Local government', kind: 'pillar', description: 'Bupati/Wali Kota, camat, kepala desa/lurah, Satpol PP, Linmas' },
  { code: 'kpu', name: 'KPU', nameEn: 'Election commission', kind: 'pillar', description: 'KPU, PPK, PPS, KPPS' },
  { code: 'bawaslu', name: 'Bawaslu', nameEn: 'Election supervisory body', kind: 'pillar', description: 'Bawaslu, Panwascam, PKD, Pengawas TPS; Sentra Gakkumdu' },
  { code: 'kesbangpol', name: 'Kesbangpol & masyarakat', nameEn: 'Kesbangpol & society', kind: 'pillar', description: 'Kesbangpol with ormas, FKDM, tokoh agama/masyarakat/adat' },
  { code: 'kominfo', name: 'Diskominfo', nameEn: 'Communications and informatics office', kind: 'agency', description: 'Hoax handling and public clarification' },
  { code: 'bkn', name: 'BKN', nameEn: 'Civil Service Agency', kind: 'agency', description: 'ASN neutrality follow-up' },
  { code: 'kejaksaan', name: 'Kejaksaan', nameEn: 'Prosecutor', kind: 'agency', description: 'Sentra Gakkumdu member' },
  { code: 'bpbd', name: 'BPBD', nameEn: 'Disaster management agency', kind: 'agency', description: 'Disasters, power and access problems' },
  { code: 'dkpp', name: 'DKPP', nameEn: 'Election organisers ethics council', kind: 'agency', description: 'Ethics of KPU/Bawaslu ad hoc bodies' },
];
