namespace ChatOpsApprover.Configuration;

public sealed class TargetOptions
{
    /// <summary>The registered kind of target (postgres, …) that reads and checks <see cref="Settings"/>.</summary>
    public string Type { get; set; } = "postgres";

    /// <summary>The whole Targets:&lt;name&gt; section, for the kind's own keys (internal, so the binder leaves it alone).</summary>
    internal IConfiguration Settings { get; set; } = new ConfigurationBuilder().Build();
}
