namespace ChatOpsApprover.Grants;

/// <summary>Settings under "Revocation".</summary>
public sealed class RevocationOptions
{
    /// <summary>How often each instance looks for grants that other instances created; its own wake it instantly.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Grants revoked per database transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Batches of one target in flight at once, each on its own connection: the next batch is claimed while the one
    /// before waits for the target and its commit.
    /// </summary>
    public int BatchesInFlight { get; set; } = 2;

    /// <summary>Back-off ceiling while a target is unreachable.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add("Revocation:PollInterval: must be between 00:00:00.001 and 00:01:00.");
        }

        if (BatchSize is < 1 or > 10_000)
        {
            errors.Add("Revocation:BatchSize: must be between 1 and 10000.");
        }

        if (BatchesInFlight is < 1 or > 8)
        {
            errors.Add("Revocation:BatchesInFlight: must be between 1 and 8.");
        }

        if (MaxRetryDelay <= TimeSpan.Zero)
        {
            errors.Add("Revocation:MaxRetryDelay: must be positive, e.g. 00:00:30.");
        }

        return errors;
    }
}
