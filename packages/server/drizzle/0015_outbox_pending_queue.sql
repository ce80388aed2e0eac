-- Outbox rows waiting to be fanned out get a row of their own in outbox_pending, which the
-- dispatcher claims by deleting it. Until now the claim wrote a second version of every outbox
-- row (delivered_at, attempts: with its payload and three index entries), which in a 30 s report
-- burst cost PostgreSQL ~3 s and 58 MB of WAL.
CREATE TABLE "outbox_pending" (
	"province_code" text NOT NULL,
	"id" bigint NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	CONSTRAINT "outbox_pending_province_code_id_pk" PRIMARY KEY("province_code","id")
);
--> statement-breakpoint
-- what was still waiting, with its failed attempts and when it is due again
INSERT INTO "outbox_pending" ("province_code", "id", "available_at", "attempts", "last_error")
SELECT province_code, id, available_at, attempts, last_error FROM outbox WHERE delivered_at IS NULL;
--> statement-breakpoint
DROP INDEX "outbox_pending_idx";--> statement-breakpoint
CREATE INDEX "outbox_pending_due_idx" ON "outbox_pending" USING btree ("available_at","id");--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "available_at";--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "attempts";--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "delivered_at";--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "last_error";
--> statement-breakpoint
-- The outbox trigger (migration 0007) now also queues every inserted row for fan-out, whoever
-- wrote it, and announces a statement's rows on sinergi_outbox as JSON arrays of up to ~7,900
-- bytes (a NOTIFY carries at most 8000) instead of one NOTIFY per row.
CREATE OR REPLACE FUNCTION outbox_announce() RETURNS trigger AS $$
DECLARE
  r record;
  message text;
  pending text := '';
BEGIN
  INSERT INTO outbox_pending (province_code, id) SELECT province_code, id FROM inserted_outbox;
  FOR r IN SELECT * FROM inserted_outbox ORDER BY id LOOP
    message := jsonb_build_object(
      'id', r.id,
      'p', r.province_code,
      't', r.topic,
      'r', r.region_code,
      'at', to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'd', COALESCE((SELECT jsonb_object_agg(key, value) FROM jsonb_each(r.payload)
                     WHERE key IN ('reportId', 'alertId', 'sitrepId', 'incidentId', 'severity', 'category', 'status', 'level', 'action', 'source')
                       AND jsonb_typeof(value) IN ('string', 'number', 'boolean')), '{}'::jsonb)
    )::text;
    IF octet_length(message) > 7800 THEN
      message := jsonb_build_object('id', r.id, 'p', r.province_code, 't', r.topic, 'r', r.region_code)::text;
    END IF;
    IF pending <> '' AND octet_length(pending) + octet_length(message) + 3 > 7900 THEN
      PERFORM pg_notify('sinergi_outbox', '[' || pending || ']');
      pending := '';
    END IF;
    pending := CASE WHEN pending = '' THEN message ELSE pending || ',' || message END;
  END LOOP;
  IF pending <> '' THEN
    PERFORM pg_notify('sinergi_outbox', '[' || pending || ']');
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
