-- Audit sealing in blocks. Until now the sealer wrote every audit row a second time (an UPDATE
-- setting chain_seq, prev_hash and hash: a new row version and four index entries each), which
-- under a burst of reports cost PostgreSQL as much as a fifth of the report writes themselves.
-- Now a sealing pass inserts one row per province into audit_seals: the ids of the rows it
-- sealed, in chain order, and each row's hash (the same hash as before, so existing chains are
-- carried over as they are); the seal line (audit_seal_cursor) marks how far sealing has come.
-- an instance of the old version still running must not seal rows the old way mid-migration:
-- its sealer tries this lock and skips its pass while the migration holds it
SELECT pg_advisory_xact_lock(727275);
--> statement-breakpoint
CREATE TABLE "audit_seal_cursor" (
	"id" integer PRIMARY KEY NOT NULL,
	"txid" bigint NOT NULL,
	"audit_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_seals" (
	"province_code" text NOT NULL,
	"first_seq" bigint NOT NULL,
	"row_count" integer NOT NULL,
	"audit_ids" bigint[] NOT NULL,
	"row_hashes" "bytea" NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_seals_province_code_first_seq_pk" PRIMARY KEY("province_code","first_seq")
);
--> statement-breakpoint
-- the chains sealed so far, 5,000 rows a block, hashes unchanged
INSERT INTO "audit_seals" ("province_code", "first_seq", "row_count", "audit_ids", "row_hashes", "prev_hash", "hash", "sealed_at")
SELECT province_code, min(chain_seq), count(*)::int,
       array_agg(id ORDER BY chain_seq),
       string_agg(decode(hash, 'hex'), ''::bytea ORDER BY chain_seq),
       (array_agg(prev_hash ORDER BY chain_seq))[1],
       (array_agg(hash ORDER BY chain_seq DESC))[1],
       now()
FROM audit_log WHERE chain_seq IS NOT NULL
GROUP BY province_code, (chain_seq - 1) / 5000;
--> statement-breakpoint
DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log;
--> statement-breakpoint
-- The seal line: the last sealed row in (txid, id) order. Sealed rows stamped with another
-- database's transaction ids (a restore from a busier server) would sort after the rows written
-- here: they move to the front (txid 1; txid is not hashed). Rows not sealed yet must sort after
-- the line, so any that do not are stamped with this transaction's id. No row: nothing sealed yet.
DO $$
DECLARE
  cur bigint := pg_current_xact_id()::text::bigint;
  line_txid bigint;
  line_id bigint;
BEGIN
  UPDATE audit_log SET txid = 1 WHERE chain_seq IS NOT NULL AND txid >= cur;
  SELECT txid, id INTO line_txid, line_id FROM audit_log WHERE chain_seq IS NOT NULL ORDER BY txid DESC, id DESC LIMIT 1;
  IF line_txid IS NOT NULL THEN
    UPDATE audit_log SET txid = cur WHERE chain_seq IS NULL AND (txid, id) <= (line_txid, line_id);
    INSERT INTO audit_seal_cursor (id, txid, audit_id) VALUES (1, line_txid, line_id);
  END IF;
END $$;
--> statement-breakpoint
DROP INDEX "audit_chain_idx";--> statement-breakpoint
DROP INDEX "audit_unsealed_idx";--> statement-breakpoint
CREATE INDEX "audit_txid_idx" ON "audit_log" USING btree ("txid","id");--> statement-breakpoint
ALTER TABLE "audit_log" DROP COLUMN "chain_seq";--> statement-breakpoint
ALTER TABLE "audit_log" DROP COLUMN "prev_hash";--> statement-breakpoint
ALTER TABLE "audit_log" DROP COLUMN "hash";
--> statement-breakpoint
-- The log and its seals are append-only: every UPDATE, DELETE and TRUNCATE is rejected (the
-- sealer no longer updates the log). Tampering needs the table owner or a superuser to disable
-- the triggers, and still breaks the chain.
CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION '% is append-only: rows cannot be changed', TG_TABLE_NAME;
  END IF;
  RAISE EXCEPTION '% is append-only (% rejected)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
--> statement-breakpoint
CREATE TRIGGER audit_seals_no_update BEFORE UPDATE ON audit_seals FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
--> statement-breakpoint
CREATE TRIGGER audit_seals_no_delete BEFORE DELETE ON audit_seals FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
--> statement-breakpoint
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
--> statement-breakpoint
-- The seal line only moves forward: winding it back would let rows be sealed twice.
CREATE OR REPLACE FUNCTION audit_seal_cursor_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.id, NEW.txid, NEW.audit_id) >= (OLD.id, OLD.txid, OLD.audit_id) AND NEW.id = OLD.id THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the audit seal line only moves forward (% rejected)', TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_seal_cursor_forward BEFORE UPDATE OR DELETE ON audit_seal_cursor FOR EACH ROW EXECUTE FUNCTION audit_seal_cursor_guard();
--> statement-breakpoint
CREATE TRIGGER audit_seal_cursor_no_truncate BEFORE TRUNCATE ON audit_seal_cursor FOR EACH STATEMENT EXECUTE FUNCTION audit_seal_cursor_guard();
