using System.Collections.Concurrent;
using System.Text;

namespace ChatOpsApprover.Observability;

/// <summary>Label values from our enums, the Prometheus way: AutoApprovedAwaitingSecondFactor becomes auto_approved_awaiting_second_factor.</summary>
public static class MetricNames
{
    private static readonly ConcurrentDictionary<Enum, string> Cache = new();

    public static string Of<T>(T value)
        where T : struct, Enum => Cache.GetOrAdd(value, v => Snake(v.ToString()));

    public static string Snake(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 8);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
