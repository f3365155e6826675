using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatOpsApprover.Domain;

/// <summary>
/// What a person asked the bot for, parsed from the text after "/jit" (Slack) or "jit" (Teams). The set of commands
/// is closed (the constructor is private), and every command hands itself to the matching method of an
/// <see cref="IJitCommandHandler{TResult}"/>: a new command is a new method there, so the compiler points at every
/// handler that must answer it.
/// </summary>
public abstract record JitCommand
{
    private JitCommand()
    {
    }

    /// <summary>Calls the method of <paramref name="handler"/> that handles this command.</summary>
    public abstract TResult Accept<TResult>(IJitCommandHandler<TResult> handler);

    public sealed record Request(string Role, TimeSpan Duration, string Reason) : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.Request(this);
    }

    /// <summary>Takes a role at once in an emergency, without an approver (see <see cref="BreakGlassRule"/>).</summary>
    public sealed record BreakGlass(string Role, TimeSpan Duration, string Reason) : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.BreakGlass(this);
    }

    /// <summary>An approver closes the review of a break-glass use with a note.</summary>
    public sealed record Review(long RequestId, string Note) : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.Review(this);
    }

    public sealed record List : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.List(this);
    }

    public sealed record Revoke(long RequestId) : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.Revoke(this);
    }

    public sealed record Roles : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.Roles(this);
    }

    public sealed record Help : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.Help(this);
    }

    public sealed record Enroll : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.Enroll(this);
    }

    /// <summary>Asks for a fresh second-factor confirmation link for an approved request of one's own.</summary>
    public sealed record Confirm(long RequestId) : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.Confirm(this);
    }

    /// <summary>Asks to keep one's own active access longer (see <see cref="ExtensionRules"/>).</summary>
    public sealed record Extend(long RequestId, TimeSpan Duration) : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.Extend(this);
    }

    /// <summary>Lists one's own second factors by name: the authenticator app and each passkey.</summary>
    public sealed record Factors : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.Factors(this);
    }

    public sealed record AdminResetMfa(string PersonId) : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.AdminResetMfa(this);
    }

    public sealed record Audit(string? Subject, DateTimeOffset? Since) : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.Audit(this);
    }

    /// <summary>Input that could not be understood; <see cref="Message"/> says what was wrong and how to write it.</summary>
    public sealed record Invalid(string Message) : JitCommand
    {
        public override TResult Accept<TResult>(IJitCommandHandler<TResult> handler) => handler.Invalid(this);
    }
}

public static partial class JitCommandParser
{
    public const string Usage =
        "Commands:\n" +
        "  jit request <role> <duration> <reason…>   ask for access, e.g. jit request prod-db-read 2h fix INC-1234\n" +
        "  jit breakglass <role> <duration> <reason…> emergency access without approval, where the role allows it (alerted, reviewed later)\n" +
        "  jit list                                  your pending and active requests (approvers: break-glass uses to review)\n" +
        "  jit review <id> <note…>                   approvers: close the review of a break-glass use\n" +
        "  jit revoke <id>                           end a request or its access now\n" +
        "  jit extend <id> <duration>                keep your active access longer, e.g. jit extend 42 1h\n" +
        "  jit roles                                 the roles you may request, with their limits\n" +
        "  jit enroll                                set up your second factor (a passkey or an authenticator app)\n" +
        "  jit factors                               your second factors by name (authenticator app, passkeys)\n" +
        "  jit confirm <id>                          a new link to confirm an approved request with your second factor\n" +
        "  jit audit [person|role] [yyyy-mm-dd]      audit summary (approvers and admins)\n" +
        "  jit help                                  this text\n" +
        "Durations: 30m, 2h, 1h30m (hours and minutes).";

    public static JitCommand Parse(string? text)
    {
        var words = (text ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return new JitCommand.Help();
        }

        var verb = words[0].ToLowerInvariant();
        return verb switch
        {
            "request" => ParseRequest(words),
            "breakglass" => ParseBreakGlass(words),
            "review" => ParseReview(words),
            "list" => NoArguments(words, new JitCommand.List()),
            "roles" => NoArguments(words, new JitCommand.Roles()),
            "help" => new JitCommand.Help(),
            "enroll" => NoArguments(words, new JitCommand.Enroll()),
            "factors" => NoArguments(words, new JitCommand.Factors()),
            "revoke" => ParseRevoke(words),
            "confirm" => ParseConfirm(words),
            "extend" => ParseExtend(words),
            "admin" => ParseAdmin(words),
            "audit" => ParseAudit(words),
            _ => new JitCommand.Invalid($"\"{Shorten(words[0])}\" is not a jit command.\n{Usage}"),
        };
    }

    private static JitCommand ParseRequest(string[] words)
    {
        const string example = "Write it as: jit request <role> <duration> <reason…>, e.g. jit request prod-db-read 2h fix INC-1234";
        if (words.Length < 2)
        {
            return new JitCommand.Invalid($"Which role? {example}");
        }

        if (words.Length < 3)
        {
            return new JitCommand.Invalid($"How long? Give a duration such as 30m, 2h or 1h30m. {example}");
        }

        if (!DurationText.TryParse(words[2], out var duration, out var durationError))
        {
            return new JitCommand.Invalid($"{durationError} {example}");
        }

        if (words.Length < 4)
        {
            return new JitCommand.Invalid($"A reason is required so approvers and auditors know why. {example}");
        }

        var reason = string.Join(' ', words.Skip(3));
        if (reason.Length > MaxReasonLength)
        {
            return new JitCommand.Invalid($"The reason is {reason.Length} characters long; keep it under {MaxReasonLength}.");
        }

        return new JitCommand.Request(words[1], duration, reason);
    }

    public const int MaxReasonLength = 500;

    private static JitCommand ParseBreakGlass(string[] words)
    {
        const string example = "Write it as: jit breakglass <role> <duration> <reason…>, e.g. jit breakglass prod-db-read 30m outage INC-1234";
        if (words.Length < 2)
        {
            return new JitCommand.Invalid($"Which role? {example}");
        }

        if (words.Length < 3)
        {
            return new JitCommand.Invalid($"How long? Give a duration such as 30m or 1h. {example}");
        }

        if (!DurationText.TryParse(words[2], out var duration, out var durationError))
        {
            return new JitCommand.Invalid($"{durationError} {example}");
        }

        if (words.Length < 4)
        {
            return new JitCommand.Invalid($"A reason is required: every break-glass use is announced and reviewed, and the reason says why it was needed. {example}");
        }

        var reason = string.Join(' ', words.Skip(3));
        if (reason.Length > MaxReasonLength)
        {
            return new JitCommand.Invalid($"The reason is {reason.Length} characters long; keep it under {MaxReasonLength}.");
        }

        return new JitCommand.BreakGlass(words[1], duration, reason);
    }

    private static JitCommand ParseReview(string[] words)
    {
        const string example = "Write it as: jit review <id> <note…>, e.g. jit review 42 checked the session log, the outage needed it";
        if (words.Length < 2 || !TryParseRequestId(words[1], out var id))
        {
            return new JitCommand.Invalid($"Which break-glass use? {example}");
        }

        if (words.Length < 3)
        {
            return new JitCommand.Invalid($"A note is required: say what you checked. {example}");
        }

        var note = string.Join(' ', words.Skip(2));
        if (note.Length > MaxReasonLength)
        {
            return new JitCommand.Invalid($"The note is {note.Length} characters long; keep it under {MaxReasonLength}.");
        }

        return new JitCommand.Review(id, note);
    }

    private static JitCommand ParseRevoke(string[] words)
    {
        if (words.Length != 2 || !TryParseRequestId(words[1], out var id))
        {
            return new JitCommand.Invalid("Write it as: jit revoke <id>, with the request number from jit list, e.g. jit revoke 42");
        }

        return new JitCommand.Revoke(id);
    }

    private static JitCommand ParseConfirm(string[] words)
    {
        if (words.Length != 2 || !TryParseRequestId(words[1], out var id))
        {
            return new JitCommand.Invalid("Write it as: jit confirm <id>, with the number of your approved request, e.g. jit confirm 42");
        }

        return new JitCommand.Confirm(id);
    }

    private static JitCommand ParseExtend(string[] words)
    {
        const string example = "Write it as: jit extend <id> <duration>, with the number of your active request from jit list, e.g. jit extend 42 1h";
        if (words.Length != 3 || !TryParseRequestId(words[1], out var id))
        {
            return new JitCommand.Invalid(example);
        }

        return DurationText.TryParse(words[2], out var duration, out var error) ? new JitCommand.Extend(id, duration) : new JitCommand.Invalid($"{error} {example}");
    }

    private static JitCommand ParseAdmin(string[] words)
    {
        if (words.Length == 3 && words[1].Equals("reset-mfa", StringComparison.OrdinalIgnoreCase))
        {
            return new JitCommand.AdminResetMfa(words[2]);
        }

        return new JitCommand.Invalid("Write it as: jit admin reset-mfa <person>");
    }

    private static JitCommand ParseAudit(string[] words)
    {
        string? subject = null;
        DateTimeOffset? since = null;
        foreach (var word in words.Skip(1))
        {
            if (DateTimeOffset.TryParseExact(word, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                since = date;
            }
            else if (subject is null)
            {
                subject = word;
            }
            else
            {
                return new JitCommand.Invalid("Write it as: jit audit [person|role] [since as yyyy-mm-dd], e.g. jit audit prod-db-read 2026-11-01");
            }
        }

        return new JitCommand.Audit(subject, since);
    }

    /// <summary>Accepts "42" and "#42".</summary>
    public static bool TryParseRequestId(string text, out long id) =>
        long.TryParse(text.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    private static JitCommand NoArguments(string[] words, JitCommand command) =>
        words.Length == 1 ? command : new JitCommand.Invalid($"\"jit {words[0]}\" takes no arguments.\n{Usage}");

    private static string Shorten(string word) => word.Length <= 40 ? word : word[..40] + "…";
}

/// <summary>Durations as people type them: 30m, 2h, 1h30m.</summary>
public static partial class DurationText
{
    [GeneratedRegex(@"^(?:(?<h>\d{1,3})h)?(?:(?<m>\d{1,4})m)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out TimeSpan duration, out string error)
    {
        duration = TimeSpan.Zero;
        var match = Pattern().Match(text);
        if (text.Length == 0 || !match.Success || (!match.Groups["h"].Success && !match.Groups["m"].Success))
        {
            error = $"\"{(text.Length > 20 ? text[..20] + "…" : text)}\" is not a duration: use hours and minutes such as 30m, 2h or 1h30m.";
            return false;
        }

        var hours = match.Groups["h"].Success ? int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture) : 0;
        var minutes = match.Groups["m"].Success ? int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
        duration = TimeSpan.FromHours(hours) + TimeSpan.FromMinutes(minutes);
        if (duration <= TimeSpan.Zero)
        {
            error = "The duration must be longer than zero, e.g. 30m.";
            return false;
        }

        error = string.Empty;
        return true;
    }

    public static string Format(TimeSpan duration)
    {
        var hours = (int)duration.TotalHours;
        var minutes = duration.Minutes;
        return (hours, minutes) switch
        {
            (0, _) => $"{minutes}m",
            (_, 0) => $"{hours}h",
            _ => $"{hours}h{minutes}m",
        };
    }
}
