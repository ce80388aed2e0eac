import i18next from 'i18next';
import en from './desk.en.json';
import id from './desk.id.json';

/*
 * Strings of the desk screens (dashboard, map, region situation), registered when one of those
 * lazily loaded screens is first opened (the situation-report and settings pages use its
 * vulnerability labels too): the field form’s first load (/lapor, ≤ 150 KB) does not
 * carry them. Same rule as the main files: Indonesian first, English second, same keys.
 */
i18next.addResourceBundle('id', 'translation', id, true, false);
i18next.addResourceBundle('en', 'translation', en, true, false);
