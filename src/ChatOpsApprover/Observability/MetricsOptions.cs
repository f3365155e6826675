namespace ChatOpsApprover.Observability;

/// <summary>Settings under "Metrics". The token is a secret: keep it in the environment (Metrics__Token).</summary>
public sealed class MetricsOptions
{
    public const int MinimumTokenLength = 32;

    /// <summary>Serve the Prometheus scrape endpoint at <see cref="ObservabilitySetup.MetricsPath"/>; off by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>When set, a scrape must send it as "Authorization: Bearer …"; empty: the endpoint is open (keep it off the internet).</summary>
    public string? Token { get; set; }

    public IReadOnlyList<string> Validate() =>
        !string.IsNullOrEmpty(Token) && Token.Trim().Length < MinimumTokenLength
            ? [$"Metrics:Token: use at least {MinimumTokenLength} random characters (e.g. openssl rand -hex 32), or leave it empty for an open /metrics."]
            : [];
}
