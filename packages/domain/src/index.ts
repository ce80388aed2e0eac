export * from './errors.js';
export * from './regions.js';
export * from './pagination.js';
export * from './auth.js';
export * from './health.js';
export * from './pillars.js';
