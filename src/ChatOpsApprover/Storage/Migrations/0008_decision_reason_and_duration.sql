-- A denial says why; an approval may grant less time than was asked (the shortest approved duration stands).
ALTER TABLE jit.decisions
    ADD COLUMN reason text,
    ADD COLUMN duration_seconds integer CHECK (duration_seconds > 0);
