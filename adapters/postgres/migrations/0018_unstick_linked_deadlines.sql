-- Issue 18: before this release the deadlines projection did not move a row's version on
-- AlarmLinked or TimeCorrected, so the dispatcher's If-Match on that row was refused forever and
-- the ticket was never notified or escalated. Rows left behind only by such events get the
-- ticket's current version (their stage is right); nothing else is touched. The event table is
-- made by the application, not by a migration: a fresh database has none yet.
DO $$
BEGIN
  IF to_regclass('public.tickets_events') IS NOT NULL THEN
    UPDATE dispatch_deadlines d SET version = behind.latest
    FROM (SELECT r.ticket_id, max(e.originator_version) AS latest
          FROM dispatch_deadlines r
          JOIN tickets_events e ON e.originator_id = r.ticket_id::uuid
                               AND e.originator_version > r.version
          WHERE r.stage <> 'done'
          GROUP BY r.ticket_id
          HAVING bool_and(e.topic LIKE '%.AlarmLinked' OR e.topic LIKE '%.TimeCorrected')
         ) behind
    WHERE d.ticket_id = behind.ticket_id;
  END IF;
END $$;
