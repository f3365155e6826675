namespace ChatOpsApprover.Grants.Webhook;

/// <summary>The "action" of a webhook call.</summary>
public enum WebhookAction
{
    Grant,
    Revoke,
    Check,
}
