-- Lighter report inserts and a due-only SLA scan (measurements in docs/PERFORMANCE.md).
--
-- 1. The SLA job's index. reports_open_sla_idx was (status, created_at) while the job asks for
--    open reports by status_changed_at, so each pass (every 30 s) read every open report — a
--    parallel scan of the table that stalled the intake — and took the oldest 1,000, which could
--    be 1,000 low-severity reports not yet due, hiding a severity-4 report that was. The new
--    index holds, per (status, severity), the time the report's clock started (the later of its
--    status change and its last escalation): the job reads one range per pair, due rows only.
DROP INDEX "reports_open_sla_idx";--> statement-breakpoint
CREATE INDEX "reports_sla_due_idx" ON "reports" USING btree ("status","severity",greatest(status_changed_at, escalated_at)) WHERE status IN ('new', 'verified') AND escalation_level <> 'province';--> statement-breakpoint
-- 2. The incident index becomes partial: most reports belong to no incident, so an insert no
--    longer adds a NULL entry. `incident_id = …` lookups still use it (= implies IS NOT NULL).
DROP INDEX "reports_incident_idx";--> statement-breakpoint
CREATE INDEX "reports_incident_idx" ON "reports" USING btree ("incident_id") WHERE incident_id IS NOT NULL;--> statement-breakpoint
-- 3. The text-search index gets a small pending list again (0014 turned it off): an insert
--    appends its entries to the list, and the insert that fills the list (256 kB, ~100 reports)
--    merges it into the index with one descent per word instead of one per word per report.
--    Inserting each entry directly was ~40 % of a 25-report batch's insert time; the default
--    4 MB list made merges of ~50 ms that a whole batch waited for. Searches read at most
--    256 kB of list. ALTER, not a rebuild.
ALTER INDEX "reports_search_idx" SET (fastupdate = on, gin_pending_list_limit = 256);
