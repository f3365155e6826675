using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Primitives;

namespace ChatOpsApprover.Chat.Slack.SocketMode;

/// <summary>
/// Hands a Socket Mode envelope to the same handler its HTTP request would reach, once across every instance, and
/// turns that handler's HTTP answer into the acknowledgement's payload: the slash command's ephemeral reply, a
/// modal's response_action. Events go to the Events API's handler, which also claims each by its event_id.
/// </summary>
public sealed class SlackSocketDispatcher(
    SlackReplayGuard deliveries,
    SlackCommandHandler commands,
    SlackInteractionHandler interactions,
    SlackEventsHandler events,
    IServiceProvider services,
    ILogger<SlackSocketDispatcher> logger)
{
    /// <summary>The acknowledgement to send for <paramref name="envelope"/> (its envelope_id, and a payload when there is one).</summary>
    public async Task<JsonObject> AcknowledgeAsync(SlackSocketEnvelope envelope, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(envelope, cancellationToken);
        }
        catch (Exception e) when (DatabaseOutageAnswer.IsOutage(e) && !cancellationToken.IsCancellationRequested && envelope.Type == SlackSocketEnvelope.SlashCommands)
        {
            // As over HTTP: the sender is told, in words, that the command may not have run.
            logger.LogWarning("Slack Socket Mode command envelope {EnvelopeId} could not reach the database: {Error}", envelope.EnvelopeId, e.Message);
            var ack = new JsonObject { ["envelope_id"] = envelope.EnvelopeId };
            if (envelope.AcceptsResponsePayload)
            {
                ack["payload"] = Reply(DatabaseOutageAnswer.SlashCommandText);
            }

            return ack;
        }
    }

    private async Task<JsonObject> RunAsync(SlackSocketEnvelope envelope, CancellationToken cancellationToken)
    {
        var ack = new JsonObject { ["envelope_id"] = envelope.EnvelopeId };
        if (!await deliveries.TryClaimEnvelopeAsync(envelope.EnvelopeId!, cancellationToken))
        {
            logger.LogInformation("Slack Socket Mode envelope {EnvelopeId} ({Type}) was already handled; acknowledged again and not run again", envelope.EnvelopeId, envelope.Type);
            return ack;
        }

        JsonObject? payload;
        try
        {
            payload = envelope.Type switch
            {
                SlackSocketEnvelope.SlashCommands when envelope.Payload.ValueKind == JsonValueKind.Object =>
                    await PayloadOfAsync(await commands.HandleVerifiedAsync(FormOf(envelope.Payload), cancellationToken), asReply: true),
                SlackSocketEnvelope.Interactive when envelope.Payload.ValueKind == JsonValueKind.Object =>
                    await PayloadOfAsync(await interactions.HandleVerifiedAsync(new() { ["payload"] = envelope.Payload.GetRawText() }, cancellationToken), asReply: false),
                SlackSocketEnvelope.EventsApi when envelope.Payload.ValueKind == JsonValueKind.Object =>
                    await EventAsync(envelope, cancellationToken),
                _ => null,
            };
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && envelope.Type == SlackSocketEnvelope.SlashCommands && !DatabaseOutageAnswer.IsOutage(e))
        {
            // Over HTTP the person would see Slack's own error; here they get words instead of silence.
            logger.LogError(e, "Slack Socket Mode command envelope {EnvelopeId} failed", envelope.EnvelopeId);
            payload = Reply("The command could not be handled just now. Try again in a minute; if it keeps failing, tell the bot's operators.");
        }

        if (payload is not null && envelope.AcceptsResponsePayload)
        {
            ack["payload"] = payload;
        }

        return ack;
    }

    /// <summary>An event: acted on like its HTTP delivery; Slack takes no payload with an event's acknowledgement.</summary>
    private async Task<JsonObject?> EventAsync(SlackSocketEnvelope envelope, CancellationToken cancellationToken)
    {
        if (SlackEvent.TryRead(envelope.Payload, out var error) is not { } slackEvent)
        {
            logger.LogWarning("Slack Socket Mode event envelope {EnvelopeId} was not acted on: {Why}", envelope.EnvelopeId, error);
            return null;
        }

        await events.HandleVerifiedAsync(slackEvent, cancellationToken);
        return null;
    }

    /// <summary>A slash command's fields, as the form its HTTP request would have posted.</summary>
    private static Dictionary<string, StringValues> FormOf(JsonElement payload)
    {
        var form = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var field in payload.EnumerateObject())
        {
            form[field.Name] = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : field.Value.GetRawText();
        }

        return form;
    }

    /// <summary>
    /// What the handler would have answered over HTTP, as a payload: its JSON object; for a command, a refusal in
    /// words becomes an ephemeral reply. An empty answer has no payload.
    /// </summary>
    private async Task<JsonObject?> PayloadOfAsync(IResult result, bool asReply)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        if (body.Length == 0)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(body.ToArray());
        var json = context.Response.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true ? JsonNode.Parse(text) : null;
        return json switch
        {
            JsonObject answer => answer,
            JsonValue words when asReply && words.TryGetValue<string>(out var said) => Reply(said),
            _ when asReply && json is null => Reply(text),
            _ => null,
        };
    }

    private static JsonObject Reply(string text) => new() { ["response_type"] = "ephemeral", ["text"] = text };
}
