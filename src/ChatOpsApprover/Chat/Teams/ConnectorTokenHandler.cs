using System.Net.Http.Headers;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// Puts the bot's client-credential token from Microsoft Entra on every Bot Connector call. It runs inside the retries,
/// so each attempt gets a current token and a failure to get one is retried like any other transient failure.
/// </summary>
public sealed class ConnectorTokenHandler(ConnectorTokenProvider tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
