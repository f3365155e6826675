using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Slack.SocketMode;

/// <summary>
/// With Slack:AppToken set, keeps a Socket Mode connection open: asks apps.connections.open for an address, connects,
/// and when Slack asks for a new connection opens it before closing the old one; a dropped connection is opened again
/// at once, and failures to connect back off (1 s doubling to 30 s). An app token Slack refuses stops it, loudly.
/// Every instance holds its own connection; Slack gives each envelope to one of them, and a repeated one runs once.
/// </summary>
public sealed class SlackSocketModeClient(
    IOptions<SlackOptions> options,
    IServiceScopeFactory scopes,
    SlackSocketDispatcher dispatcher,
    TimeProvider time,
    ILogger<SlackSocketModeClient> logger) : BackgroundService
{
    private static readonly TimeSpan LongestBackOff = TimeSpan.FromSeconds(30);

    /// <summary>Slack's answers that no retry will change: the token is wrong, revoked, or not an app-level token.</summary>
    private static readonly HashSet<string> TokenRefusals = ["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type", "missing_scope"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var appToken = options.Value.AppToken;
        if (appToken.Length == 0)
        {
            return;
        }

        var failures = 0;
        SlackSocketConnection? current = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var url = await OpenAddressAsync(appToken, stoppingToken);
                    var next = await SlackSocketConnection.OpenAsync(url, dispatcher, logger, stoppingToken);
                    if (current is not null)
                    {
                        // The new connection is up: the old one finishes what it is doing and goes.
                        var replaced = current;
                        _ = Task.Run(async () => await replaced.DisposeAsync(), CancellationToken.None);
                    }

                    current = next;
                    failures = 0;
                    logger.LogInformation("Connected to Slack over Socket Mode");
                    if (!await current.Ended.WaitAsync(stoppingToken))
                    {
                        await current.DisposeAsync();
                        current = null;
                    }

                    continue;
                }
                catch (SlackApiException e) when (TokenRefusals.Contains(e.Error))
                {
                    logger.LogError("Slack refused Slack:AppToken ({Error}): Socket Mode is off until the token is fixed and the bot restarted. It must be an app-level token (xapp-…) with the connections:write scope", e.Error);
                    return;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    failures++;
                    logger.LogWarning("Could not connect to Slack over Socket Mode (attempt {Attempt}): {Why}", failures, e.Message);
                }

                await Task.Delay(BackOff(failures), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            if (current is not null)
            {
                await current.DisposeAsync();
            }
        }
    }

    private static TimeSpan BackOff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(LongestBackOff.TotalSeconds, Math.Pow(2, Math.Min(failures, 6) - 1)));

    /// <summary>A fresh address for each connection; the typed client is taken per call, as the HTTP client factory intends.</summary>
    private async Task<Uri> OpenAddressAsync(string appToken, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SlackApiClient>().OpenSocketConnectionAsync(appToken, cancellationToken);
    }
}
