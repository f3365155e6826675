using System.Globalization;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Observability;

/// <summary>
/// Counts every attempt a chat client makes (inside the resilience pipeline, so a 429 that was retried counts too):
/// <c>jit_chat_api_calls_total{platform,method,outcome}</c>, outcome being the HTTP status or no_answer. The method
/// is what the client named with <see cref="Method"/>, else the last segment of the path (Slack's Web API method).
/// </summary>
public sealed class ChatApiCallMetering(JitMetrics metrics, ChatPlatform platform) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<string> Method = new("jit.chat_api_method");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.Options.TryGetValue(Method, out var named) ? named : request.RequestUri?.Segments.LastOrDefault()?.Trim('/') ?? "unknown";
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            metrics.ChatApiCalled(platform, method, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            metrics.ChatApiCalled(platform, method, "no_answer");
            throw;
        }
    }
}
