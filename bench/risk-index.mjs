// The vulnerability index on PostgreSQL (issue #5): a full national rebuild over 1,000,000
// reports spread over every village (83,762), the incremental update per report through the
// index job with the early-warning rules attached, and the spike test's false-alarm rate on the
// demo's Klaten reports. Targets: rebuild ≤ 5 s, incremental ≤ 2 ms per report.
//   BENCH_RISK_REPORTS=1000000   how many reports to load
//   BENCH_RISK_BATCH=2000        reports per incremental batch
//   BENCH_RISK_SINGLES=100       single-report updates timed one by one
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { CATEGORY_CODES, DEFAULT_INDEX_CONFIG, measureSpikeFalseAlarms } from '@sinergi/domain';
import { ROOT, check, createDatabase, dropDatabase, percentile, round, startServer } from './lib.mjs';

export const description = 'vulnerability index: national rebuild (1,000,000 reports, 83,762 villages), incremental update per report, spike false alarms on the demo (PostgreSQL)';

const TOTAL = Number(process.env.BENCH_RISK_REPORTS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_RISK_BATCH ?? 2000);
const SINGLES = Number(process.env.BENCH_RISK_SINGLES ?? 100);
const REBUILD_TARGET_S = 5;
const INCREMENTAL_TARGET_MS = 2;
const DAY = 86_400_000;
const HOUR = 3_600_000;

const dist = (p) => import(pathToFileURL(path.join(ROOT, 'packages/server/dist', p)).href);
const sqlArray = (xs) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;

/** Insert `n` synthetic reports over every village (hash of g), occurring over the last 60 days; `offset` keeps ids and receipts apart. */
async function insertReports(client, n, offset, { triggers }) {
  const statuses = ['new', 'new', 'verified', 'verified', 'verified', 'in_progress', 'resolved', 'rejected'];
  const sources = ['field_officer', 'field_officer', 'public', 'desk', 'hotline'];
  if (!triggers) await client.query(`SET session_replication_role = replica`); // no risk_deltas for the bulk load: the rebuild reads the reports
  await client.query(`
    INSERT INTO reports (province_code, id, regency_code, district_code, region_code, category, severity, occurred_at, discovered_at,
      title, description, source, confidential, receipt_code, status, status_changed_at, escalation_level, content_hash, created_at, updated_at)
    SELECT split_part(v.code, '.', 1), gen_random_uuid(),
      split_part(v.code, '.', 1) || '.' || split_part(v.code, '.', 2),
      split_part(v.code, '.', 1) || '.' || split_part(v.code, '.', 2) || '.' || split_part(v.code, '.', 3),
      v.code,
      (${sqlArray(CATEGORY_CODES)})[1 + abs(hashint4(g * 3)) % ${CATEGORY_CODES.length}],
      1 + abs(hashint4(g * 5)) % 4,
      now() - make_interval(secs => abs(hashint4(g * 7)) % (60 * 86400)), now(),
      'Laporan uji ' || g, 'Laporan sintetis untuk benchmark indeks.',
      (${sqlArray(sources)})[1 + abs(hashint4(g * 11)) % ${sources.length}], false,
      'RISK' || g, (${sqlArray(statuses)})[1 + abs(hashint4(g * 13)) % ${statuses.length}], now(), 'village',
      md5(g::text), now(), now()
    FROM generate_series(${offset + 1}, ${offset + n}) AS g
    JOIN bench_villages v ON v.i = abs(hashint4(g)) % (SELECT count(*) FROM bench_villages)`);
  if (!triggers) await client.query(`SET session_replication_role = origin`);
}

/** The spike test over each Klaten district's demo reports, hourly; Cawas's late-campaign cluster is the labelled true event. */
async function spikeFalseAlarms(client) {
  const { rows } = await client.query(`
    SELECT district_code, (extract(epoch from min(occurred_at)) * 1000)::float8 AS t
    FROM reports WHERE regency_code = '33.10' AND status NOT IN ('draft', 'rejected') AND district_code IS NOT NULL
    GROUP BY district_code, coalesce(incident_id, id)`);
  const { rows: named } = await client.query(`SELECT code FROM regions WHERE parent_code = '33.10' AND lower(name) = 'cawas'`);
  const cawas = named[0]?.code;
  const nowMs = Date.now();
  const byDistrict = new Map();
  for (const r of rows) byDistrict.set(r.district_code, [...(byDistrict.get(r.district_code) ?? []), Number(r.t)]);
  const first = Math.min(...rows.map((r) => Number(r.t)));
  const fromMs = Math.ceil((first + DEFAULT_INDEX_CONFIG.spike.baselineDays * DAY) / HOUR) * HOUR; // once a baseline exists
  const totals = { districts: byDistrict.size, reports: rows.length, evaluations: 0, alarms: 0, falseAlarms: 0, quietEvaluations: 0, hits: 0, days: round((nowMs - fromMs) / DAY, 1) };
  for (const [district, times] of byDistrict) {
    // the demo writes the Cawas cluster over the last 12 days (demo/reports.ts, journey 4)
    const trueEvents = district === cawas ? [{ startMs: nowMs - 12 * DAY - 2 * HOUR, endMs: nowMs + HOUR }] : [];
    const m = measureSpikeFalseAlarms({ timesMs: times, fromMs, toMs: nowMs, stepMs: HOUR, settings: DEFAULT_INDEX_CONFIG.spike, trueEvents });
    totals.evaluations += m.evaluations;
    totals.alarms += m.alarms;
    totals.falseAlarms += m.falseAlarms;
    totals.quietEvaluations += m.quietEvaluations;
    if (district === cawas) totals.hits = m.alarms - m.falseAlarms;
  }
  totals.falseAlarmRate = totals.quietEvaluations > 0 ? totals.falseAlarms / totals.quietEvaluations : 0;
  totals.falseAlarmsPerDistrictDay = round(totals.falseAlarms / Math.max(1, totals.districts * totals.days), 4);
  return totals;
}

export async function run(ctx) {
  if (!ctx.kinds.includes('postgres')) return [];
  const db = { kind: 'postgres', ...(await createDatabase('risk')) };
  ctx.dbs.cleanups.push(() => dropDatabase(db.name));
  const first = await startServer(db); // migrations, regions, the demo (Klaten reports)
  await first.stop();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const sections = [];
  const { openDatabase } = await dist('db/client.js');
  const { loadRegionStore } = await dist('services/bootstrap.service.js');
  const { ElectionStore } = await dist('services/elections.service.js');
  const { rebuildRiskIndex, applyPendingRiskDeltas } = await dist('services/risk.service.js');
  const { alertHooks } = await dist('services/alerts.service.js');
  const handle = await openDatabase({ kind: 'postgres', url: db.url, poolSize: 4 });
  try {
    // 1. spike false alarms on the demo data, before the synthetic load
    const spike = await spikeFalseAlarms(client);
    console.log(`  spike test on the demo: ${JSON.stringify(spike)}`);
    sections.push({
      title: `Spike test on the demo's Klaten reports (hourly, ${spike.districts} districts, ${spike.days} days)`,
      checks: [
        check('false alarms per 10,000 quiet evaluations', spike.falseAlarmRate * 10_000, ''),
        check('false alarms per district-day', spike.falseAlarmsPerDistrictDay, ''),
        check('alarm-hours in the labelled Cawas cluster', spike.hits, ''),
      ],
      details: spike,
    });

    // 2. one million reports over every village, then a full rebuild
    let t0 = performance.now();
    await client.query(`CREATE TABLE bench_villages AS SELECT (row_number() OVER (ORDER BY code))::int - 1 AS i, code FROM regions WHERE array_length(string_to_array(code, '.'), 1) = 4`);
    const { rows: vc } = await client.query('SELECT count(*)::int AS n FROM bench_villages');
    await insertReports(client, TOTAL - Number((await client.query('SELECT count(*)::int AS n FROM reports')).rows[0].n), 0, { triggers: false });
    await client.query('ANALYZE reports');
    const { rows: rc } = await client.query('SELECT count(*)::int AS n FROM reports');
    const loadS = round((performance.now() - t0) / 1000, 1);
    console.log(`  loaded ${rc[0].n} reports over ${vc[0].n} villages in ${loadS} s; load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);

    const regions = await loadRegionStore(handle);
    const elections = new ElectionStore(handle);
    await elections.reload();
    const hooks = alertHooks({ regions, elections });
    const loadBefore = os.loadavg()[0];
    t0 = performance.now();
    const rebuilt = await rebuildRiskIndex({ handle, hooks }, Date.now());
    const rebuildS = round((performance.now() - t0) / 1000, 2);
    console.log(`  rebuild: ${rebuildS} s ${JSON.stringify(rebuilt)}`);
    sections.push({
      title: `Full national rebuild (${rc[0].n} reports, ${vc[0].n} villages)`,
      checks: [check('rebuild wall time', rebuildS, 's', REBUILD_TARGET_S)],
      details: { ...rebuilt, loadSeconds: loadS, loadAverage1mBefore: round(loadBefore), loadAverage1mAfter: round(os.loadavg()[0]) },
    });

    // 3. incremental: a batch of new reports through the index job (with the alert rules), then single reports one by one
    await insertReports(client, BATCH, TOTAL, { triggers: true });
    t0 = performance.now();
    const applied = await applyPendingRiskDeltas({ handle, hooks }, Date.now());
    const batchMs = performance.now() - t0;
    const perReportMs = round(batchMs / applied.applied, 3);
    const singles = [];
    for (let i = 0; i < SINGLES; i++) {
      await insertReports(client, 1, TOTAL + BATCH + i, { triggers: true });
      const s0 = performance.now();
      await applyPendingRiskDeltas({ handle, hooks }, Date.now());
      singles.push(performance.now() - s0);
    }
    singles.sort((a, b) => a - b);
    const { rows: al } = await client.query(`SELECT kind, count(*)::int AS n FROM alerts GROUP BY kind ORDER BY kind`);
    console.log(`  incremental: ${applied.applied} reports in ${round(batchMs, 1)} ms (${perReportMs} ms/report); single-report job run p50 ${round(percentile(singles, 50), 2)} ms, p95 ${round(percentile(singles, 95), 2)} ms; alerts ${JSON.stringify(al)}`);
    sections.push({
      title: `Incremental update (index job with the early-warning rules, over the ${rc[0].n}-report index)`,
      checks: [
        check(`per report in a batch of ${applied.applied}`, perReportMs, 'ms', INCREMENTAL_TARGET_MS),
        check('one report alone, job run p50', round(percentile(singles, 50), 2), 'ms'),
        check('one report alone, job run p95', round(percentile(singles, 95), 2), 'ms'),
      ],
      details: { batch: applied, batchMs: round(batchMs, 1), singles: SINGLES, alertsRaised: al, loadAverage1m: round(os.loadavg()[0]) },
    });
  } finally {
    await handle.close();
    await client.end();
  }
  return sections;
}
