namespace ChatOpsApprover.Audit;

/// <summary>
/// How much history one platform's audit message holds: at most <paramref name="MaxLines"/> lines whose
/// <paramref name="Cost"/> (the characters a line takes once rendered there) adds up to at most <paramref name="MaxChars"/>.
/// </summary>
public sealed record HistoryBudget(int MaxLines, int MaxChars, Func<string, int> Cost);
