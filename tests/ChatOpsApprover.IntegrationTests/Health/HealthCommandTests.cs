using ChatOpsApprover.IntegrationTests.Infrastructure;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Health;

/// <summary>"ChatOpsApprover health", run as a process, as a container's HEALTHCHECK runs it against the bot.</summary>
public sealed class HealthCommandTests
{
    [Fact]
    public async Task AHealthyBot_Exits0_AskingWhereTheSettingsSayItListens()
    {
        await using var bot = await BotHost.StartAsync();
        var listening = bot.Http.BaseAddress!.ToString().TrimEnd('/');

        var (exitCode, output, error) = await ProgramRun.RunAsync(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = listening }, "health");

        Assert.True(exitCode == 0, error);
        Assert.Equal($"{listening}/healthz: 200 ok", output.Trim());
    }

    [Fact]
    public async Task ABotAnswering503_Exits1_SayingWhatItAnswered()
    {
        var cluster = await TestPostgres.RequireClusterAsync();
        await using var proxy = new TcpProxy(cluster.Port);

        // A stopped proxy refuses connections at once, so the timeout only has to cover start-up on a busy machine.
        await using var bot = await BotHost.StartAsync(s =>
            s["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(s["ConnectionStrings:Postgres"]) { Port = proxy.Port, Timeout = 15 }.ConnectionString);
        proxy.Down();
        var url = new Uri(bot.Http.BaseAddress!, "/healthz");

        var (exitCode, output, error) = await ProgramRun.RunAsync(new Dictionary<string, string>(), "health", "--url", url.ToString());

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Equal($"{url}: 503 database unreachable", error.Trim());
    }

    [Fact]
    public async Task NothingListening_Exits1()
    {
        var url = $"http://127.0.0.1:{BotProcess.FreePort()}/healthz";

        var (exitCode, _, error) = await ProgramRun.RunAsync(new Dictionary<string, string>(), "health", "--url", url);

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"{url}: no answer", error, StringComparison.Ordinal);
    }
}
