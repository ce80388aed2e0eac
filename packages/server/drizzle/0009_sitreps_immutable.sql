-- A released situation report is immutable: the only change allowed is linking the revision
-- that corrects it (superseded_by, set once). Its sections cannot change once the report is
-- approved. The service checks first and answers 409; these triggers keep any other writer out.
CREATE OR REPLACE FUNCTION sitreps_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status = 'released' THEN
      RAISE EXCEPTION 'released situation report % is immutable', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'released' THEN
    IF OLD.superseded_by IS NULL AND NEW.superseded_by IS NOT NULL
       AND (to_jsonb(NEW) - 'superseded_by' - 'updated_at' - 'version') = (to_jsonb(OLD) - 'superseded_by' - 'updated_at' - 'version') THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'released situation report % is immutable', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER sitreps_guard BEFORE UPDATE OR DELETE ON sitreps FOR EACH ROW EXECUTE FUNCTION sitreps_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sitrep_sections_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE st text;
BEGIN
  SELECT status INTO st FROM sitreps WHERE province_code = OLD.province_code AND id = OLD.sitrep_id;
  IF st IS NOT NULL AND st <> 'draft' THEN
    RAISE EXCEPTION 'sections of situation report % are frozen (%)', OLD.sitrep_id, st USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER sitrep_sections_guard BEFORE UPDATE OR DELETE ON sitrep_sections FOR EACH ROW EXECUTE FUNCTION sitrep_sections_guard();
