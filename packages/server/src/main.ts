import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase, withStartupLock } from './db/client.js';
import { DataDirLockedError, annotateDataDirLock } from './db/lock.js';
import { sealAuditLog } from './db/repositories/audit.js';
import { seedDemo } from './demo/index.js';
import { bootstrapDatabase } from './services/bootstrap.service.js';
import { ElectionStore } from './services/elections.service.js';
import { createReportWriter, escalateOverdueReports } from './services/reports.service.js';
import { createAttachmentStore } from './storage/index.js';
import { startRiskIndexJob } from './jobs/risk-index.js';
import { startAlertJob } from './jobs/alerts.js';
import { alertHooks } from './services/alerts.service.js';
import { startOutboxDispatcher } from './jobs/outbox-dispatcher.js';
import { createMailer } from './services/delivery.service.js';

/** `npm start`: open the database, bring it up to date, load the demo, listen. */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const say = (message: string) => process.stdout.write(`[sinergi] ${message}\n`);
  say(`basis data / database: ${config.database.kind === 'pglite' ? `PGlite di ${config.database.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`);
  const handle = await openDatabase(
    config.database.kind === 'pglite' ? { kind: 'pglite', dataDir: config.database.dataDir } : { kind: 'postgres', url: config.database.url, poolSize: config.database.poolSize },
  );
  const { regions, adminPassword } = await bootstrapDatabase(handle, { adminPassword: config.adminPassword }, say);
  const elections = new ElectionStore(handle);
  const reportWriter = createReportWriter(handle);
  // another instance starting now may be seeding the demo: read the elections after it is done
  await withStartupLock(handle, async () => {
    await elections.reload();
    if (config.demo) await seedDemo({ handle, regions, elections, reportWriter }, { password: config.demoPassword, progress: say });
  });
  const app = await buildApp({ config, handle, regions, elections, reportWriter, attachments: createAttachmentStore(config), now: () => new Date() });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // let a CLI command refused by the lock tell the user where the running server is
  if (handle.lock) annotateDataDirLock(handle.lock, { port, host: config.host });

  const sealer = setInterval(() => {
    sealAuditLog(handle).catch((error: unknown) => app.log.error({ err: error }, 'audit sealing failed'));
  }, 2000);
  sealer.unref();
  // SLA escalation and other instances' election edits: every 30 s
  const housekeeping = setInterval(() => {
    escalateOverdueReports({ handle, regions, elections, writer: reportWriter }, new Date()).catch((error: unknown) => app.log.error({ err: error }, 'SLA escalation failed'));
    elections.reload().catch((error: unknown) => app.log.error({ err: error }, 'election reload failed'));
  }, 30_000);
  housekeeping.unref();
  // the vulnerability index: apply queued report changes to the region chains every 500 ms
  // with the early-warning rules: level rises and severity-4 reports commit with the states they come from
  const riskIndex = startRiskIndexJob({ handle, now: () => new Date(), hooks: alertHooks({ regions, elections }), onError: (error) => app.log.error({ err: error }, 'index update failed') });
  // stage boundaries and report spikes: every minute
  const alertJob = startAlertJob({ deps: { handle, regions, elections }, now: () => new Date(), onError: (error) => app.log.error({ err: error }, 'alert check failed') });
  // notices: fan the outbox out to in-app notifications, e-mail and webhooks, and announce the rows
  // to the live streams; woken as soon as this process commits outbox rows, else every second
  const mailer = createMailer(config);
  const dispatcher = startOutboxDispatcher({
    deps: { handle, regions, config, mailer },
    now: () => new Date(),
    onError: (error) => app.log.error({ err: error }, 'outbox dispatch failed'),
  });
  const stopWaking = handle.onOutboxWritten(() => dispatcher.wake());

  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const counts = regions.countByLevel();
  say(`wilayah / regions: ${counts.province} provinsi, ${counts.regency} kab/kota, ${counts.district} kecamatan, ${counts.village.toLocaleString('id-ID')} desa/kelurahan`);
  if (adminPassword) {
    say('──────────────────────────────────────────────────────────────');
    say(`Akun administrator dibuat / administrator created: admin / ${adminPassword}`);
    say('Kata sandi ini hanya ditampilkan sekali. / Shown only once: note it now.');
    say('──────────────────────────────────────────────────────────────');
  }
  if (config.demo) {
    say(`DATA DEMO aktif (Kabupaten Klaten, 33.10): masuk sebagai kesbangpol.klaten, camat.bayat, bhabin.bayat … kata sandi "${config.demoPassword}". Matikan dengan SINERGI_DEMO=off.`);
  }
  say(
    mailer
      ? `e-mail notifikasi / notice e-mail: aktif via SMTP / on via SMTP (${new URL(config.delivery.smtpUrl!).host})`
      : 'e-mail notifikasi NONAKTIF / notice e-mail OFF: SINERGI_SMTP_URL tidak diatur / not set (in-app dan webhook tetap jalan / in-app and webhooks still run)',
  );
  say(`siap dalam / ready in ${((performance.now() - started) / 1000).toFixed(1)} s → ${url}  (API: ${url}/docs)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`berhenti / stopping (${signal})`);
    clearInterval(sealer);
    clearInterval(housekeeping);
    await riskIndex.stop();
    await alertJob.stop();
    stopWaking();
    await dispatcher.stop();
    await app.close();
    await sealAuditLog(handle).catch(() => 0);
    mailer?.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    process.stderr.write(`[sinergi] ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`[sinergi] gagal memulai / failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
