-- Auto-assignment (issue 12): the ticket categories an agent handles (empty = every category of their team) and
-- how many open tickets they hold at most. Synced to consoles with the user (the lead board shows load against
-- capacity).
ALTER TABLE users ADD COLUMN skills text[] NOT NULL DEFAULT '{}';
ALTER TABLE users ADD COLUMN capacity int NOT NULL DEFAULT 10 CHECK (capacity BETWEEN 0 AND 200);
