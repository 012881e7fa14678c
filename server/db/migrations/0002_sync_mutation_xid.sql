-- Pull reports a client's lastMutationId only for pushes whose transactions lie below the snapshot horizon,
-- so a console never drops an outbox row before the change it made can be pulled (DESIGN.md §5).
ALTER TABLE sync_mutations ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
