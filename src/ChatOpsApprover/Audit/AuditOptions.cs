namespace ChatOpsApprover.Audit;

/// <summary>Settings under "Audit". The export token is a secret: keep it in the environment (Audit__ExportToken).</summary>
public sealed class AuditOptions
{
    public const int MinimumTokenLength = 32;

    /// <summary>Slack channel id (C…) that gets one message per request and one per security event; empty: none.</summary>
    public string? SlackChannel { get; set; }

    /// <summary>Teams channel (its conversation id, 19:…@thread.tacv2) for the same messages; used while Teams is configured.</summary>
    public string? TeamsChannel { get; set; }

    /// <summary>Bearer token for GET /audit/export and GET /audit/verify. Empty: both refuse every request.</summary>
    public string? ExportToken { get; set; }

    /// <summary>How often each instance looks for unpublished entries when no notification woke it (the backstop).</summary>
    public TimeSpan PublishPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often each instance looks for audit entries waiting to be sealed that it did not write itself (their instance
    /// stopped between its commit and its seal); its own are sealed within milliseconds.
    /// </summary>
    public TimeSpan SealPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Failed Slack signatures or Teams tokens (per platform) within one minute that make a burst worth an audit entry.</summary>
    public int SignatureFailureThreshold { get; set; } = 5;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!string.IsNullOrEmpty(ExportToken) && ExportToken.Trim().Length < MinimumTokenLength)
        {
            errors.Add($"Audit:ExportToken: use at least {MinimumTokenLength} random characters (e.g. openssl rand -hex 32), or leave it empty to disable the export.");
        }

        if (PublishPollInterval < TimeSpan.FromMilliseconds(100) || PublishPollInterval > TimeSpan.FromHours(1))
        {
            errors.Add("Audit:PublishPollInterval: must be between 00:00:00.1 and 01:00:00.");
        }

        if (SealPollInterval < TimeSpan.FromMilliseconds(10) || SealPollInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add("Audit:SealPollInterval: must be between 00:00:00.01 and 00:01:00.");
        }

        if (SignatureFailureThreshold < 1)
        {
            errors.Add("Audit:SignatureFailureThreshold: must be 1 or more.");
        }

        return errors;
    }
}
