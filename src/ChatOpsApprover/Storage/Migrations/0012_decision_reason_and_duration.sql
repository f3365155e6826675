-- A denial says why; an approval may grant less time than was asked (the shortest approved duration stands).
ALTER TABLE jit.decisions
    ADD COLUMN reason text,
    ADD COLUMN duration_seconds integer CHECK (duration_seconds > 0);

-- An approval that waits for the approver's second factor keeps the shorter duration they chose until it counts.
ALTER TABLE jit.stepup_confirmations
    ADD COLUMN duration_seconds integer CHECK (duration_seconds > 0);
