-- StepUp:EnrollmentApproval = Admin: a confirmed enrollment waits for an admin before its factor can be used. The
-- approval id is what the audit channel's card names, so a click decides that one enrollment and never a later one.
ALTER TABLE jit.mfa_factors
    ADD COLUMN approval_id uuid,
    ADD COLUMN approved_by text,
    ADD COLUMN approved_at timestamptz;
CREATE UNIQUE INDEX mfa_factors_awaiting_approval ON jit.mfa_factors (approval_id) WHERE approval_id IS NOT NULL;
