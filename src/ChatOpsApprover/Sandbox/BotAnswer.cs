using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>How the bot answered one request from the sandbox: status 0 when it did not answer at all.</summary>
public sealed record BotAnswer(int Status, string Body, TimeSpan Took)
{
    /// <summary>Slack gives up on an answer after 3 seconds.</summary>
    public static readonly TimeSpan SlackDeadline = TimeSpan.FromSeconds(3);

    public bool IsOk => Status is >= 200 and < 300;

    public bool Late => Took > SlackDeadline;

    /// <summary>What a person should learn about an answer Slack would not accept (an error, or too late), or null.</summary>
    public string? Problem(string what)
    {
        var seconds = Took.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        if (Status == 0)
        {
            return $"{what}: the bot did not answer ({Body}).";
        }

        if (!IsOk)
        {
            var body = Body.Length > 300 ? Body[..300] + "…" : Body;
            return $"{what}: the bot answered HTTP {Status}{(body.Length == 0 ? string.Empty : ": " + body)}";
        }

        return Late ? $"{what}: the bot took {seconds} s; Slack gives up after 3 s and would have shown an error." : null;
    }

    /// <summary>The body as a JSON object, or null when it is empty or not JSON (Slack treats both as "nothing to show").</summary>
    public JsonObject? Json
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Body))
            {
                return null;
            }

            try
            {
                return JsonNode.Parse(Body) as JsonObject;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
