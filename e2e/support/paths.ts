import path from 'node:path';

/** The repository root (the e2e support modules import each other; this one imports nothing). */
export const ROOT = path.resolve(import.meta.dirname, '../..');
