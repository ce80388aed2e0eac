-- The audit log is append-only. The only update allowed is the one-time seal that sets
-- chain_seq, prev_hash and hash on a row that has none; every other change, every delete
-- and TRUNCATE are rejected, so tampering needs superuser rights and still breaks the chain.
CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit_log is append-only (% rejected)', TG_OP;
  END IF;
  IF OLD.hash IS NOT NULL
     OR NEW.province_code IS DISTINCT FROM OLD.province_code
     OR NEW.id IS DISTINCT FROM OLD.id
     OR NEW.at IS DISTINCT FROM OLD.at
     OR NEW.txid IS DISTINCT FROM OLD.txid
     OR NEW.actor_id IS DISTINCT FROM OLD.actor_id
     OR NEW.actor_name IS DISTINCT FROM OLD.actor_name
     OR NEW.action IS DISTINCT FROM OLD.action
     OR NEW.entity IS DISTINCT FROM OLD.entity
     OR NEW.entity_id IS DISTINCT FROM OLD.entity_id
     OR NEW.before IS DISTINCT FROM OLD.before
     OR NEW.after IS DISTINCT FROM OLD.after
     OR NEW.ip IS DISTINCT FROM OLD.ip THEN
    RAISE EXCEPTION 'audit_log is append-only: only the one-time seal may update a row';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
