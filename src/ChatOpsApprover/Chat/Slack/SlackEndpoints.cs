using System.Globalization;
using System.Text;
using System.Text.Json;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Health;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.Requests;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>Slack's inbound side: POST /slack/commands and POST /slack/interactions, both signature-verified.</summary>
public static class SlackEndpoints
{
    private const int MaxBodyBytes = 64 * 1024;

    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IChatPlatformRegistration, SlackChat>();
        services.AddValidatedOptions<SlackOptions>(configuration.GetSection("Slack"), o => o.Validate());
        services.AddTransient<SlackBotTokenHandler>();
        services.AddHttpClient<SlackApiClient>()
            .AddChatResilience("Slack API")
            .AddHttpMessageHandler<SlackBotTokenHandler>();
        services.AddSingleton<IChatPlatform, SlackPlatform>();
        services.AddSingleton<IAuditChannel, SlackAuditChannel>();
        services.AddReadinessCheck<SlackCredentialsCheck>(SlackCredentialsCheck.Name);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SlackOptions>>().Value;
            return new SlackSignatureVerifier(options.SigningSecret, options.TimestampTolerance, sp.GetRequiredService<TimeProvider>());
        });
        return services;
    }

    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder app)
    {
        app.MapPost("/slack/commands", HandleCommandAsync);
        app.MapPost("/slack/interactions", HandleInteractionAsync);
        return app;
    }

    private static async Task<IResult> HandleCommandAsync(HttpContext context, SlackSignatureVerifier verifier, SignatureFailureMonitor failures, AccessRequestService service)
    {
        var (form, refusal) = await ReadVerifiedFormAsync(context, verifier, failures);
        if (refusal is not null)
        {
            return refusal;
        }

        var userId = form!.GetValueOrDefault("user_id").ToString();
        if (string.IsNullOrEmpty(userId))
        {
            return Results.BadRequest("The slash command payload has no user_id.");
        }

        var command = JitCommandParser.Parse(form!.GetValueOrDefault("text").ToString());
        var reply = await service.HandleAsync(new ChatUser(SlackChat.Key, userId), command, context.RequestAborted);
        return Results.Json(new { response_type = "ephemeral", text = SlackText.Escape(reply.Text) });
    }

    private static async Task<IResult> HandleInteractionAsync(HttpContext context, SlackSignatureVerifier verifier, SignatureFailureMonitor failures, AccessRequestService service, ChatNotifications notifications)
    {
        var (form, refusal) = await ReadVerifiedFormAsync(context, verifier, failures);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!TryReadAction(form!.GetValueOrDefault("payload").ToString(), out var action, out var error))
        {
            return Results.BadRequest(error);
        }

        var approve = action.ActionId == SlackApprovalCard.ApproveAction;
        var result = await service.DecideAsync(new ChatUser(SlackChat.Key, action.UserId), action.RequestId, approve, context.RequestAborted, action.ChannelId);
        if (action.ChannelId is not null)
        {
            notifications.TellUser(SlackChat.Key, action.UserId, action.ChannelId, result.Message);
        }

        return Results.Ok();
    }

    private sealed record BlockAction(string UserId, string? ChannelId, string ActionId, long RequestId);

    private static bool TryReadAction(string payload, out BlockAction action, out string error)
    {
        action = null!;
        error = "The interaction payload is not a block_actions payload with a jit_approve or jit_deny button.";
        if (string.IsNullOrEmpty(payload))
        {
            error = "The interaction has no payload field.";
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.GetString() != "block_actions")
            {
                return false;
            }

            var userId = root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object && user.TryGetProperty("id", out var id) ? id.GetString() : null;
            string? channelId = root.TryGetProperty("channel", out var channel) && channel.ValueKind == JsonValueKind.Object && channel.TryGetProperty("id", out var cid) ? cid.GetString() : null;
            if (channelId is null && root.TryGetProperty("container", out var container) && container.ValueKind == JsonValueKind.Object && container.TryGetProperty("channel_id", out var containerChannel))
            {
                channelId = containerChannel.GetString();
            }

            if (userId is null || !root.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
            {
                return false;
            }

            var first = actions[0];
            var actionId = first.TryGetProperty("action_id", out var a) ? a.GetString() : null;
            var value = first.TryGetProperty("value", out var v) ? v.GetString() : null;
            if (actionId is not (SlackApprovalCard.ApproveAction or SlackApprovalCard.DenyAction)
                || value is null
                || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var requestId))
            {
                return false;
            }

            action = new BlockAction(userId, channelId, actionId, requestId);
            return true;
        }
        catch (JsonException)
        {
            error = "The interaction payload is not valid JSON.";
            return false;
        }
    }

    /// <summary>Reads the raw body, verifies its signature, then parses the form. Nothing is read from an unverified request.</summary>
    private static async Task<(Dictionary<string, StringValues>? Form, IResult? Refusal)> ReadVerifiedFormAsync(HttpContext context, SlackSignatureVerifier verifier, SignatureFailureMonitor failures)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, Results.Text("The request body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, Results.Text("The request body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge));
            }

            buffer.Write(chunk, 0, read);
        }

        var body = buffer.ToArray();
        var form = new FormReader(Encoding.UTF8.GetString(body)).ReadForm();
        if (!verifier.IsValid(request.Headers["X-Slack-Request-Timestamp"], request.Headers["X-Slack-Signature"], body))
        {
            // Slack's unsigned certificate check: acknowledge it and do nothing else.
            if (form.TryGetValue("ssl_check", out var sslCheck) && sslCheck == "1" && !form.ContainsKey("command") && !form.ContainsKey("payload"))
            {
                return (null, Results.Ok());
            }

            // Counted in memory only; a burst becomes one audit entry.
            failures.Record(SlackChat.Key, request.Path, context.Connection.RemoteIpAddress?.ToString());
            return (null, Results.Text("The request is not signed by Slack, or its timestamp is more than 5 minutes from now.", statusCode: StatusCodes.Status401Unauthorized));
        }

        return (form, null);
    }
}
