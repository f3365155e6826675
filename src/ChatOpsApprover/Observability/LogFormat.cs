namespace ChatOpsApprover.Observability;

/// <summary>Logging:Format: how the console logger writes.</summary>
public sealed class LogFormat
{
    public const string Text = "text";
    public const string Json = "json";

    /// <summary>text (the default: one readable line per entry) or json (one JSON object per line, with scopes, for collectors).</summary>
    public string Format { get; set; } = Text;

    public bool IsJson => string.Equals(Format.Trim(), Json, StringComparison.OrdinalIgnoreCase);

    public IReadOnlyList<string> Validate() =>
        IsJson || string.Equals(Format.Trim(), Text, StringComparison.OrdinalIgnoreCase)
            ? []
            : [$"Logging:Format: \"{Format}\" is not a log format; use json (one JSON object per line) or text (the default)."];
}
