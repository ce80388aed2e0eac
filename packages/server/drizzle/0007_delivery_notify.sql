-- Live updates (GET /api/stream): every committed outbox row is announced on the channel
-- sinergi_outbox, once per INSERT statement (reports arrive in group-committed batches).
-- NOTIFY is transactional: listeners hear it only after the writing transaction commits, and
-- every instance listening on the database hears it. The payload is small (a NOTIFY carries
-- at most 8000 bytes): ids, topic, region and the few fields a dashboard filters on.
CREATE OR REPLACE FUNCTION outbox_announce() RETURNS trigger AS $$
DECLARE
  r record;
  message text;
BEGIN
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
    IF octet_length(message) > 7900 THEN
      message := jsonb_build_object('id', r.id, 'p', r.province_code, 't', r.topic, 'r', r.region_code)::text;
    END IF;
    PERFORM pg_notify('sinergi_outbox', message);
  END LOOP;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER IF EXISTS outbox_announce_insert ON outbox;
--> statement-breakpoint
CREATE TRIGGER outbox_announce_insert AFTER INSERT ON outbox REFERENCING NEW TABLE AS inserted_outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_announce();
