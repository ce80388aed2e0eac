-- The outbox trigger only queues: it no longer announces rows with NOTIFY.
--
-- A transaction that has sent a NOTIFY takes one lock for the whole database as it commits
-- (PostgreSQL's notify queue lock) and holds it while its commit is flushed to disk. Every
-- report batch notified through this trigger, so the intake's commits queued behind each
-- other and behind every other notifying commit (the dispatcher's), instead of sharing a
-- flush. Rows are now announced by the dispatcher, in the transaction that claims them from
-- outbox_pending (delivery.service.ts, announceOutboxRows): one announcement per row, when
-- its claim commits, in the same JSON arrays on sinergi_outbox as before.
CREATE OR REPLACE FUNCTION outbox_announce() RETURNS trigger AS $$
BEGIN
  INSERT INTO outbox_pending (province_code, id) SELECT province_code, id FROM inserted_outbox;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
