-- Report inserts arrive in group-committed batches (one INSERT of up to 200 rows). Capture
-- their index deltas once per statement from the transition table instead of once per row.
CREATE OR REPLACE FUNCTION risk_capture_inserted() RETURNS trigger AS $$
BEGIN
  INSERT INTO risk_deltas (province_code, report_id, before, after)
  SELECT n.province_code, n.id, NULL, risk_report_facts(n) FROM inserted_reports n;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER IF EXISTS reports_risk_insert ON reports;
--> statement-breakpoint
CREATE TRIGGER reports_risk_insert AFTER INSERT ON reports REFERENCING NEW TABLE AS inserted_reports FOR EACH STATEMENT EXECUTE FUNCTION risk_capture_inserted();
