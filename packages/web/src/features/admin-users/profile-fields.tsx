import type { TRole } from '@sinergi/domain';
import { ROLES } from '../../lib/domain';
import { useTranslation } from 'react-i18next';
import { SelectField, TextField } from '../../ui';
import { usePillars, useRoleLabel } from '../shell/labels';

export interface ProfileValues {
  fullName: string;
  role: TRole;
  pillarCode: string;
  position: string;
  phone: string;
  email: string;
}

export const EMPTY_PROFILE: ProfileValues = { fullName: '', role: 'field_officer', pillarCode: '', position: '', phone: '', email: '' };

/** Blank optional fields travel as null, so the API clears them rather than storing "". */
export function profilePayload(values: ProfileValues) {
  const orNull = (s: string) => (s.trim() ? s.trim() : null);
  return {
    fullName: values.fullName.trim(),
    role: values.role,
    pillarCode: orNull(values.pillarCode),
    position: orNull(values.position),
    phone: orNull(values.phone),
    email: orNull(values.email),
  };
}

/** Name, role, pillar, position, phone and e-mail: shared by the create and edit forms. */
export function ProfileFields({ values, onChange, errors }: { values: ProfileValues; onChange: (v: ProfileValues) => void; errors: Record<string, string> }) {
  const { t, i18n } = useTranslation();
  const roleLabel = useRoleLabel();
  const pillars = usePillars();
  const set = <K extends keyof ProfileValues>(key: K, value: ProfileValues[K]) => onChange({ ...values, [key]: value });
  return (
    <>
      <TextField name="fullName" label={t('users.fullName')} value={values.fullName} onChange={(e) => set('fullName', e.target.value)} error={errors.fullName} required autoComplete="off" />
      <div className="grid-2">
        <SelectField name="role" label={t('users.role')} value={values.role} onChange={(e) => set('role', e.target.value as TRole)} error={errors.role} required>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {roleLabel(r)}
            </option>
          ))}
        </SelectField>
        <SelectField name="pillarCode" label={t('users.pillar')} value={values.pillarCode} onChange={(e) => set('pillarCode', e.target.value)} error={errors.pillarCode}>
          <option value="">{t('users.noPillar')}</option>
          {pillars.map((p) => (
            <option key={p.code} value={p.code}>
              {i18n.language === 'en' ? p.nameEn : p.name}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField name="position" label={t('users.position')} hint={t('users.positionHint')} value={values.position} onChange={(e) => set('position', e.target.value)} error={errors.position} autoComplete="off" />
      <div className="grid-2">
        <TextField name="phone" type="tel" label={t('users.phone')} value={values.phone} onChange={(e) => set('phone', e.target.value)} error={errors.phone} autoComplete="off" />
        <TextField name="email" type="email" label={t('users.email')} value={values.email} onChange={(e) => set('email', e.target.value)} error={errors.email} autoComplete="off" />
      </div>
    </>
  );
}
