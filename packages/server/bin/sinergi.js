#!/usr/bin/env node
// The `sinergi` command: the compiled CLI (npm run build, or npx tsc -b packages/domain packages/server).
import('../dist/cli/index.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/index.js')) {
    process.stderr.write('[sinergi] belum dibangun / not built yet: run `npm run build` first\n');
  } else {
    process.stderr.write(`[sinergi] ${error && error.stack ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
