using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Configuration;

/// <summary>
/// The listening address is the operator's, set each way ASP.NET Core documents; the bot's own default applies only
/// when none is given. Each test starts the real binary and asks /healthz where it should answer.
/// </summary>
public sealed class ListeningAddressTests
{
    private static int _environments;

    [Fact]
    public async Task AspNetCoreUrls_IsWhereTheBotListens()
    {
        var port = BotProcess.FreePort();
        using var bot = BotProcess.Start(await DatabaseAsync(("ASPNETCORE_URLS", $"http://127.0.0.1:{port}")));
        await AssertListensOnlyAsync(bot, port, $"http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task AspNetCoreHttpPorts_IsWhereTheBotListens_OnEveryInterface()
    {
        var port = BotProcess.FreePort();
        using var bot = BotProcess.Start(await DatabaseAsync(("ASPNETCORE_HTTP_PORTS", $"{port}")));
        await AssertListensOnlyAsync(bot, port, $"http://[::]:{port}");
    }

    [Fact]
    public async Task UrlsOnTheCommandLine_IsWhereTheBotListens()
    {
        var port = BotProcess.FreePort();
        using var bot = BotProcess.Start(await DatabaseAsync(), "--urls", $"http://127.0.0.1:{port}");
        await AssertListensOnlyAsync(bot, port, $"http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task UrlsAsASettingOnTheCommandLine_IsWhereTheBotListens()
    {
        var port = BotProcess.FreePort();
        using var bot = BotProcess.Start(await DatabaseAsync(), $"--Urls=http://127.0.0.1:{port}");
        await AssertListensOnlyAsync(bot, port, $"http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task UrlsInTheEnvironment_IsWhereTheBotListens()
    {
        var port = BotProcess.FreePort();
        using var bot = BotProcess.Start(await DatabaseAsync(("Urls", $"http://127.0.0.1:{port}")));
        await AssertListensOnlyAsync(bot, port, $"http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task UrlsInASettingsFile_IsWhereTheBotListens()
    {
        // appsettings.<environment>.json beside the binary, the way ASP.NET Core layers settings files; a name of this
        // test's own, so no other process reads it.
        var port = BotProcess.FreePort();
        var environment = $"ListenTest{Environment.ProcessId}x{Interlocked.Increment(ref _environments)}";
        var file = Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json");
        await File.WriteAllTextAsync(file, $$"""{ "Urls": "http://127.0.0.1:{{port}}" }""");
        try
        {
            using var bot = BotProcess.Start(await DatabaseAsync(("DOTNET_ENVIRONMENT", environment)));
            await AssertListensOnlyAsync(bot, port, $"http://127.0.0.1:{port}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task NothingGiven_TheBotListensOnLoopbackPort5080()
    {
        using var bot = BotProcess.Start(await DatabaseAsync());
        await AssertListensOnlyAsync(bot, 5080, "http://127.0.0.1:5080");
    }

    private static async Task AssertListensOnlyAsync(BotProcess bot, int port, string address)
    {
        await bot.WaitForHealthAsync(new Uri($"http://127.0.0.1:{port}/"));
        Assert.True(bot.ListeningAddresses.SequenceEqual([address]), $"Expected to listen on {address} only:{Environment.NewLine}{bot.Output}");
    }

    /// <summary>A database of its own, and nothing else but <paramref name="settings"/>.</summary>
    private static async Task<Dictionary<string, string>> DatabaseAsync(params (string Key, string Value)[] settings)
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var environment = BotProcess.OnDatabase(database);
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        return environment;
    }
}
