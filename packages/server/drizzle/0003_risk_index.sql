CREATE TABLE "risk_deltas" (
	"province_code" text NOT NULL,
	"id" bigserial NOT NULL,
	"report_id" uuid NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "risk_deltas_province_code_id_pk" PRIMARY KEY("province_code","id")
);
--> statement-breakpoint
CREATE TABLE "risk_dynamic_states" (
	"province_code" text NOT NULL,
	"region_code" text NOT NULL,
	"level" text NOT NULL,
	"config_version" integer NOT NULL,
	"ref_time" timestamp with time zone NOT NULL,
	"raw_sum" double precision NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "risk_dynamic_states_province_code_region_code_pk" PRIMARY KEY("province_code","region_code")
);
--> statement-breakpoint
CREATE TABLE "risk_index_configs" (
	"version" integer PRIMARY KEY NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"config" jsonb NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "risk_structural_scores" (
	"province_code" text NOT NULL,
	"region_code" text NOT NULL,
	"subdimension" text NOT NULL,
	"score" double precision NOT NULL,
	"source" text,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "risk_structural_scores_province_code_region_code_subdimension_pk" PRIMARY KEY("province_code","region_code","subdimension")
);
--> statement-breakpoint
CREATE INDEX "risk_deltas_id_idx" ON "risk_deltas" USING btree ("id");--> statement-breakpoint
CREATE INDEX "risk_structural_region_idx" ON "risk_structural_scores" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
-- Index deltas are captured by the database, so every writer of reports (intake, workflow
-- actions, incidents, the SLA job, restores) feeds the index without code of its own and in its
-- own transaction. Appending to risk_deltas takes no lock another writer waits on.
CREATE OR REPLACE FUNCTION risk_report_facts(r reports) RETURNS jsonb AS $$
  SELECT jsonb_build_object(
    'regionCode', r.region_code,
    'category', r.category,
    'severity', r.severity,
    'status', r.status,
    'source', r.source,
    'anonymous', (r.reporter_id IS NULL AND r.public_contact IS NULL),
    'occurredAtMs', floor(extract(epoch FROM r.occurred_at) * 1000)::bigint
  );
$$ LANGUAGE sql STABLE;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION risk_capture_delta() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO risk_deltas (province_code, report_id, before, after) VALUES (NEW.province_code, NEW.id, NULL, risk_report_facts(NEW));
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO risk_deltas (province_code, report_id, before, after) VALUES (NEW.province_code, NEW.id, risk_report_facts(OLD), risk_report_facts(NEW));
  ELSE
    INSERT INTO risk_deltas (province_code, report_id, before, after) VALUES (OLD.province_code, OLD.id, risk_report_facts(OLD), NULL);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER reports_risk_insert AFTER INSERT ON reports FOR EACH ROW EXECUTE FUNCTION risk_capture_delta();
--> statement-breakpoint
CREATE TRIGGER reports_risk_update AFTER UPDATE ON reports FOR EACH ROW
  WHEN (OLD.region_code IS DISTINCT FROM NEW.region_code
     OR OLD.category IS DISTINCT FROM NEW.category
     OR OLD.severity IS DISTINCT FROM NEW.severity
     OR OLD.status IS DISTINCT FROM NEW.status
     OR OLD.source IS DISTINCT FROM NEW.source
     OR OLD.occurred_at IS DISTINCT FROM NEW.occurred_at
     OR (OLD.reporter_id IS NULL AND OLD.public_contact IS NULL) IS DISTINCT FROM (NEW.reporter_id IS NULL AND NEW.public_contact IS NULL))
  EXECUTE FUNCTION risk_capture_delta();
--> statement-breakpoint
CREATE TRIGGER reports_risk_delete AFTER DELETE ON reports FOR EACH ROW EXECUTE FUNCTION risk_capture_delta();
