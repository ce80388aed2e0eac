import i18next from 'i18next';
import en from './sitrep.en.json';
import id from './sitrep.id.json';

/*
 * Strings of the situation-report and settings screens (sitrep.*, config.*), Indonesian and
 * English. They load with those screens' chunks, not at start: the start bundle serves the
 * field form on cheap phones (e2e/web-bundle.test.ts holds it under 120 KB). Import this module
 * from every page that uses them; adding is idempotent.
 */
i18next.addResourceBundle('id', 'translation', id, true, false);
i18next.addResourceBundle('en', 'translation', en, true, false);
