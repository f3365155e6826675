using System.CommandLine;
using System.Net;
using ChatOpsApprover.Configuration;

namespace ChatOpsApprover.Health;

/// <summary>
/// "ChatOpsApprover health [--url &lt;url&gt;]": asks a running bot's /healthz, for container health checks (the runtime
/// image has no curl). Exit code 0 when it answers 200, 1 otherwise. Without --url it asks this machine at the address
/// the bot listens on, read from the same configuration as the bot (so ASPNETCORE_HTTP_PORTS=8080 means port 8080).
/// </summary>
public static class HealthCommand
{
    public const int Unhealthy = 1;

    /// <summary>Longer than a check may take (<see cref="HealthSetup.CheckTimeout"/>), so a slow database reads as its own answer.</summary>
    private static readonly TimeSpan Timeout = HealthSetup.CheckTimeout * 2;

    /// <param name="settings">Configuration from the command line ("--Key=value"), as the web host would read it.</param>
    public static Command Create(IReadOnlyList<string> settings)
    {
        var url = new Option<string>("--url")
        {
            Description = $"The URL to ask (default: {HealthSetup.LivenessPath} where the bot listens, e.g. http://127.0.0.1:8080{HealthSetup.LivenessPath})",
            HelpName = "url",
        };
        url.Validators.Add(result =>
        {
            if (!IsHttpUrl(result.GetValueOrDefault<string>()))
            {
                result.AddError($"--url needs an absolute http(s) URL, e.g. health --url http://127.0.0.1:8080{HealthSetup.LivenessPath}");
            }
        });

        var health = new Command("health", $"Ask the running bot's {HealthSetup.LivenessPath}: exit code 0 when it answers 200, 1 otherwise (for container health checks)") { url };
        health.SetAction((result, cancellationToken) => CheckAsync(
            result.GetValue(url) is { } given ? new Uri(given) : Default(settings),
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error,
            cancellationToken));
        return health;
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static Uri? Default(IReadOnlyList<string> settings) =>
        ListeningAddress.Local(CommandLine.Configuration(settings)) is { } listening ? new Uri(listening, HealthSetup.LivenessPath) : null;

    private static async Task<int> CheckAsync(Uri? url, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (url is null)
        {
            await error.WriteLineAsync("The bot's address is chosen at start (port 0): say where to ask with --url.");
            return CommandLine.UsageError;
        }

        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            var body = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            var answer = $"{url}: {(int)response.StatusCode} {(body.Length > 200 ? body[..200] : body)}";
            if (response.StatusCode == HttpStatusCode.OK)
            {
                await output.WriteLineAsync(answer);
                return 0;
            }

            await error.WriteLineAsync(answer);
            return Unhealthy;
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"{url}: no answer ({e.Message})");
            return Unhealthy;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"{url}: no answer within {Timeout.TotalSeconds:0} s");
            return Unhealthy;
        }
    }
}
