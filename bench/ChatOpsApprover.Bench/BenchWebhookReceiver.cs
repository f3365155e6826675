using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatOpsApprover.Bench;

/// <summary>
/// A webhook receiver on loopback that answers every call at once and notes when each login's revoke arrived: the
/// webhook run's "target". Its lag is the bot's alone (plus one loopback HTTP round trip), as a fast receiver's would be.
/// </summary>
public sealed class BenchWebhookReceiver(WebApplication app, string url, ConcurrentDictionary<string, bool> revoked) : IAsyncDisposable
{
    public string Url { get; } = url;

    /// <summary>How many of these logins were never revoked.</summary>
    public int NotRevoked(IEnumerable<string> logins) => logins.Count(l => !revoked.ContainsKey(l));

    public static async Task<BenchWebhookReceiver> StartAsync(Measurements measurements)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var revoked = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!;
            if (body["action"]!.GetValue<string>() == "revoke")
            {
                var login = body["login"]!.GetValue<string>();
                measurements.Done(login, DateTimeOffset.UtcNow);
                revoked[login] = true;
            }

            return Results.Json(new { granted = false });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return new BenchWebhookReceiver(app, address + "/hook", revoked);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
