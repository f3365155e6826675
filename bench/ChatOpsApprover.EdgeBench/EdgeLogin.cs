using System.Globalization;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>One requester of the benchmark: a person with a Slack id and a login at the target.</summary>
public sealed record EdgeLogin(int Number)
{
    public const string GrantRole = "edge_read";

    public string PersonId => $"p{Number.ToString("D5", CultureInfo.InvariantCulture)}";

    public string SlackId => $"U0P{Number.ToString("D5", CultureInfo.InvariantCulture)}";

    public string Login => $"edge_login_{Number.ToString("D5", CultureInfo.InvariantCulture)}";
}
