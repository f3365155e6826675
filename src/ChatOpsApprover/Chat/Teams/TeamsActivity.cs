using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>The fields of a Bot Framework activity the bot reads. Everything is optional on the wire; callers check.</summary>
public sealed record TeamsActivity(
    string? Type,
    string? Id,
    string? ServiceUrl,
    string? ChannelId,
    string? FromId,
    string? FromAadObjectId,
    string? ConversationId,
    string? ConversationType,
    string? TenantId,
    string? Text,
    string? Name,
    JsonElement? Value)
{
    /// <summary>The bot's own id in this conversation (recipient.id).</summary>
    public string? RecipientId { get; init; }

    /// <summary>The ids of the members a conversationUpdate says were added (the bot's own id when it was installed).</summary>
    public IReadOnlyList<string> MembersAdded { get; init; } = [];

    public bool IsPersonal => string.Equals(ConversationType, "personal", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads an activity; null when the body is not a JSON object.</summary>
    public static TeamsActivity? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var from = Child(root, "from");
            var conversation = Child(root, "conversation");
            var tenant = String(conversation, "tenantId") ?? String(Child(Child(root, "channelData"), "tenant"), "id");
            return new TeamsActivity(
                String(root, "type"),
                String(root, "id"),
                String(root, "serviceUrl"),
                String(root, "channelId"),
                String(from, "id"),
                String(from, "aadObjectId"),
                String(conversation, "id"),
                String(conversation, "conversationType"),
                tenant,
                String(root, "text"),
                String(root, "name"),
                root.TryGetProperty("value", out var value) ? value.Clone() : null)
            {
                RecipientId = String(Child(root, "recipient"), "id"),
                MembersAdded = root.TryGetProperty("membersAdded", out var added) && added.ValueKind == JsonValueKind.Array
                    ? [.. added.EnumerateArray().Select(m => String(m, "id")).OfType<string>()]
                    : [],
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement? Child(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    private static string? String(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// The value of a card input submitted with an Action.Execute click (Teams merges the inputs into the action's
    /// data, under their ids); null when absent, empty or not text.
    /// </summary>
    public string? ExecuteInput(string inputId) =>
        Value is { ValueKind: JsonValueKind.Object } value
        && value.TryGetProperty("action", out var action) && action.ValueKind == JsonValueKind.Object
        && action.TryGetProperty("data", out var data) && String(data, inputId) is { Length: > 0 } text
            ? text
            : null;

    /// <summary>An Action.Execute click: its verb and the request id in its data.</summary>
    public bool TryReadExecute(out string verb, out long requestId)
    {
        verb = string.Empty;
        requestId = 0;
        if (Value is not { ValueKind: JsonValueKind.Object } value
            || !value.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object
            || String(action, "type") != "Action.Execute"
            || String(action, "verb") is not { } readVerb)
        {
            return false;
        }

        verb = readVerb;
        if (action.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty(TeamsApprovalCard.RequestIdField, out var id))
        {
            if (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number) && number > 0)
            {
                requestId = number;
            }
            else if (id.ValueKind == JsonValueKind.String && long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0)
            {
                requestId = number;
            }
        }

        return true;
    }
}

/// <summary>Turns what a person typed to the bot into the text after "jit".</summary>
public static partial class TeamsText
{
    [GeneratedRegex(@"<at\b[^>]*>.*?</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Mention();

    /// <summary>
    /// Drops @mentions (in a channel the bot is only addressed with one), decodes the entities Teams uses around
    /// them, and removes a leading "jit": "&lt;at&gt;JIT&lt;/at&gt; jit list" and "list" both give "list".
    /// </summary>
    public static string CommandText(string? text)
    {
        var plain = WebUtility.HtmlDecode(Mention().Replace(text ?? string.Empty, " "))
            .Replace('\u00A0', ' ')
            .Trim();
        var words = plain.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > 0 && (words[0].Equals("jit", StringComparison.OrdinalIgnoreCase) || words[0].Equals("/jit", StringComparison.OrdinalIgnoreCase)))
        {
            return words.Length > 1 ? words[1] : string.Empty;
        }

        return plain;
    }
}
