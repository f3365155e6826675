using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatOpsApprover.Grants.Webhook;

/// <summary>
/// Grants through a webhook: a signed POST per grant, revoke and check (README: Webhook target). Each request's access
/// is its own at the receiver. 2xx is success; 4xx is a refusal for good (a grant fails; a revoke is retried anyway,
/// because a revoke is never given up); 5xx, timeouts and refused connections are retried, first by the HTTP pipeline
/// (<see cref="WebhookHttpResilience"/>), then by the grant job or the revocation sweep.
/// </summary>
public sealed class WebhookTarget(string name, WebhookTargetOptions options, IHttpClientFactory clients) : IGrantTarget
{
    /// <summary>Calls to one receiver at once while revoking or checking a batch: a burst stays on time without flooding it.</summary>
    private const int MaxParallelCalls = 16;

    public GrantSharing Sharing => GrantSharing.Request;

    /// <summary>The revoke call names the approvers, as the grant call did.</summary>
    public bool RevokeNamesApprovers => true;

    public Task<bool> HeldOutsideAsync(TargetGrant grant, CancellationToken cancellationToken) => Task.FromResult(false);

    public async Task<string?> GrantAsync(TargetGrant grant, CancellationToken cancellationToken)
    {
        using var response = await PostAsync(WebhookAction.Grant, grant, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        if (Refused(response.StatusCode))
        {
            throw new GrantRefusedException($"the webhook of target {name} answered HTTP {(int)response.StatusCode}");
        }

        throw new HttpRequestException($"the webhook of target {name} answered HTTP {(int)response.StatusCode}", null, response.StatusCode);
    }

    public async Task<IReadOnlyList<RevokeResult>> RevokeAsync(IReadOnlyList<TargetGrant> grants, CancellationToken cancellationToken)
    {
        var results = new RevokeResult[grants.Count];
        await ForEachAsync(grants, async (i, token) => results[i] = await RevokeOneAsync(grants[i], token), cancellationToken);
        return results;
    }

    /// <summary>Asks the receiver about every grant the bot's records know of; it cannot be asked for grants the bot never made.</summary>
    public async Task<IReadOnlyList<FoundAccess>> CheckAsync(IReadOnlyList<TargetGrant> known, CancellationToken cancellationToken)
    {
        var granted = new bool[known.Count];
        await ForEachAsync(known, async (i, token) => granted[i] = await CheckOneAsync(known[i], token), cancellationToken);
        return known.Where((_, i) => granted[i]).Select(g => new FoundAccess(g.RequestId, g.Grant, g.Login, null, $"webhook grant of request #{g.RequestId}")).ToArray();
    }

    private async Task<RevokeResult> RevokeOneAsync(TargetGrant grant, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await PostAsync(WebhookAction.Revoke, grant, cancellationToken);
            return response.IsSuccessStatusCode ? RevokeResult.Revoked()
                : Refused(response.StatusCode) ? RevokeResult.Failed($"the webhook refused the revoke (HTTP {(int)response.StatusCode}); a revoke is never given up, so it is retried: fix the receiver")
                : RevokeResult.Failed($"the webhook answered HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return RevokeResult.Failed($"the webhook did not answer ({e.GetType().Name}: {e.Message})");
        }
    }

    private async Task<bool> CheckOneAsync(TargetGrant grant, CancellationToken cancellationToken)
    {
        using var response = await PostAsync(WebhookAction.Check, grant, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || JsonNode.Parse(body) is not JsonObject answer || answer["granted"] is not JsonValue value || !value.TryGetValue<bool>(out var granted))
        {
            throw new HttpRequestException($"the webhook of target {name} answered a check with HTTP {(int)response.StatusCode}, not {{ \"granted\": true|false }}");
        }

        return granted;
    }

    private async Task<HttpResponseMessage> PostAsync(WebhookAction action, TargetGrant grant, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(WebhookCall.Of(action, grant));

        // Wall-clock time, whatever clock the bot's rules run on: the receiver checks it against its own.
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Compute(options.Secret!, timestamp, body));
        request.Headers.Add(WebhookSignature.IdempotencyHeader, WebhookCall.IdempotencyKey(action, grant));
        request.Options.Set(WebhookHttpResilience.AttemptTimeout, options.Timeout);
        return await clients.CreateClient(WebhookHttpResilience.ClientName).SendAsync(request, cancellationToken);
    }

    /// <summary>4xx is the receiver's decision; 408 and 429 only ask to try again later.</summary>
    private static bool Refused(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests;

    private static Task ForEachAsync(IReadOnlyList<TargetGrant> grants, Func<int, CancellationToken, ValueTask> call, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(Enumerable.Range(0, grants.Count), new ParallelOptions { MaxDegreeOfParallelism = MaxParallelCalls, CancellationToken = cancellationToken }, call);
}
