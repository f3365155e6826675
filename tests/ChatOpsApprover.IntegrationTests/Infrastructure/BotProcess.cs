using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>
/// The real bot binary (dotnet ChatOpsApprover.dll) run as a separate process, as an operator starts it: it reads
/// only the environment and arguments the test gives it (besides appsettings.json beside it), can be killed with
/// SIGKILL, and what it prints is kept.
/// </summary>
public sealed class BotProcess : IDisposable
{
    // What chooses the listening address: a test's bot process gets only those of them that the test gives it.
    private static readonly string[] AddressVariables =
        ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "DOTNET_HTTP_PORTS", "DOTNET_HTTPS_PORTS", "URLS", "HTTP_PORTS", "HTTPS_PORTS"];

    private readonly ConcurrentQueue<string> _output = new();

    private BotProcess(Process process, Uri? baseAddress)
    {
        Process = process;
        BaseAddress = baseAddress;
    }

    public Process Process { get; }

    /// <summary>Where the test told the bot to listen, when it did so through <see cref="StartOnFreePort"/>.</summary>
    public Uri? BaseAddress { get; }

    /// <summary>Standard output and standard error so far, line by line.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>The addresses Kestrel said it listens on ("Now listening on: …").</summary>
    public IReadOnlyList<string> ListeningAddresses =>
        [.. _output.Select(line => line.Trim()).Where(line => line.StartsWith("Now listening on: ", StringComparison.Ordinal)).Select(line => line["Now listening on: ".Length..])];

    public static BotProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) => Start(environment, args, baseAddress: null);

    /// <summary>Starts the bot on a free loopback port, named with --urls.</summary>
    public static BotProcess StartOnFreePort(IReadOnlyDictionary<string, string> environment)
    {
        var address = $"http://127.0.0.1:{FreePort()}";
        return Start(environment, [$"--urls={address}"], new Uri(address + "/"));
    }

    private static BotProcess Start(IReadOnlyDictionary<string, string> environment, string[] args, Uri? baseAddress)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ChatOpsApprover.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var variable in AddressVariables)
        {
            start.Environment.Remove(variable);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var bot = new BotProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => bot.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => bot.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return bot;
    }

    /// <summary>Waits until GET /healthz at <paramref name="baseAddress"/> (default: <see cref="BaseAddress"/>) answers 200.</summary>
    public async Task WaitForHealthAsync(Uri? baseAddress = null)
    {
        var url = new Uri(baseAddress ?? BaseAddress ?? throw new InvalidOperationException("Say where the bot listens."), "/healthz");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Wait.UntilAsync(async () =>
        {
            Assert.False(Process.HasExited, $"the bot process exited during start-up:{Environment.NewLine}{Output}");
            try
            {
                using var response = await http.GetAsync(url);
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy starting to answer: ask again.
                return false;
            }
        }, $"the bot process to answer {url}", TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Settings that run the shipped configuration (appsettings.json beside the bot) against <paramref name="database"/>:
    /// the bot's own tables and every target it names live there, with a key-encryption key (the process runs in
    /// Production, which requires one); no sandbox, and Slack's Web API unreachable.
    /// </summary>
    public static Dictionary<string, string> OnDatabase(string database)
    {
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["DataProtection__KeyEncryptionKey"] = BotHost.KeyEncryptionKey,
            ["Sandbox__Enabled"] = "false",
            ["Slack__ApiBaseUrl"] = "http://127.0.0.1:9/api/",
        };
        foreach (var target in shipped.GetSection("Targets").GetChildren())
        {
            settings[$"Targets__{target.Key}__ConnectionString"] = database;
        }

        return settings;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }
}
