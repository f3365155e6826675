-- What the role's policy rules decided when a request was made: approvals needed beyond the role's RequiredApprovals,
-- whether approvers must confirm with their second factor, whether policy approved it at once, and the rules that
-- fired with why ("Rule: why"), shown on its card. Requests made before keep the role's plain rules.
ALTER TABLE jit.access_requests
    ADD COLUMN extra_approvals integer NOT NULL DEFAULT 0 CHECK (extra_approvals >= 0),
    ADD COLUMN approver_step_up boolean NOT NULL DEFAULT false,
    ADD COLUMN auto_approved boolean NOT NULL DEFAULT false,
    ADD COLUMN policy_rules text[] NOT NULL DEFAULT '{}';

-- Risk:FirstRequest asks whether a person ever requested a role before.
CREATE INDEX access_requests_person_role ON jit.access_requests (person_id, role_name);
