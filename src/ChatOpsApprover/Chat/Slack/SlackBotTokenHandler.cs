using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// Puts the bot token (Slack:BotToken) on every Web API call, each retry included, except a call that names its own
/// token (apps.connections.open takes the app-level token).
/// </summary>
public sealed class SlackBotTokenHandler(IOptions<SlackOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", options.Value.BotToken);
        return base.SendAsync(request, cancellationToken);
    }
}
