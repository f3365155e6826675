namespace ChatOpsApprover.Domain;

/// <summary>
/// One rule that decided something about a request: <see cref="Rule"/> is its configuration name under the role
/// ("OutsideHours", "AutoApprove", "Risk:LongerThan", …), <see cref="Why"/> says what it saw and what it asked for.
/// Shown on the approval card and recorded in the audit log.
/// </summary>
public sealed record PolicyRuleHit(string Rule, string Why)
{
    /// <summary>"Risk:LongerThan: 4h asked, more than 2h → one more approval".</summary>
    public override string ToString() => $"{Rule}: {Why}";

    /// <summary>Reads what <see cref="ToString"/> wrote (the rule's name never holds ": ").</summary>
    public static PolicyRuleHit Parse(string text)
    {
        var split = text.IndexOf(": ", StringComparison.Ordinal);
        return split < 0 ? new PolicyRuleHit(text, string.Empty) : new PolicyRuleHit(text[..split], text[(split + 2)..]);
    }
}
