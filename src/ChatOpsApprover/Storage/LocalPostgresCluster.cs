using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ChatOpsApprover.Storage;

/// <summary>
/// A private PostgreSQL server started from the machine's binaries: the bot's embedded default when no
/// ConnectionStrings:Postgres is set, and the test suite's database. PostgreSQL refuses to run as root,
/// so as root the server runs as the "postgres" user through runuser, in a folder that user owns.
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly bool _stopOnDispose;

    private LocalPostgresCluster(string dataDirectory, int port, bool stopOnDispose)
    {
        _dataDirectory = dataDirectory;
        Port = port;
        _stopOnDispose = stopOnDispose;
    }

    public int Port { get; }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = true,
        MaxPoolSize = 50,
    }.ConnectionString;

    /// <summary>Starts (or reuses, when it already runs) a cluster in <paramref name="dataDirectory"/>; port 0 picks a free one.</summary>
    public static async Task<LocalPostgresCluster> StartAsync(string dataDirectory, int port, bool stopOnDispose, CancellationToken cancellationToken = default)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        var bin = FindBinaries();
        Directory.CreateDirectory(dataDirectory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", dataDirectory], asPostgres: false, cancellationToken);
        }

        var pgData = Path.Combine(dataDirectory, "data");
        if (!File.Exists(Path.Combine(pgData, "PG_VERSION")))
        {
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", pgData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions", "--no-sync"], asRoot, cancellationToken);
        }

        var portFile = Path.Combine(dataDirectory, "port");
        if (await IsRunningAsync(bin, pgData, asRoot, cancellationToken) && File.Exists(portFile))
        {
            return new LocalPostgresCluster(dataDirectory, int.Parse(await File.ReadAllTextAsync(portFile, cancellationToken), System.Globalization.CultureInfo.InvariantCulture), stopOnDispose);
        }

        if (port == 0)
        {
            port = FreePort();
        }

        var options = $"-p {port} -c listen_addresses=127.0.0.1 -k {dataDirectory} -c max_connections=300 -c fsync=on -c shared_buffers=128MB";
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", pgData, "-l", Path.Combine(dataDirectory, "server.log"), "-w", "-t", "60", "-o", options, "start"], asRoot, cancellationToken);
        await File.WriteAllTextAsync(portFile, port.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        return new LocalPostgresCluster(dataDirectory, port, stopOnDispose);
    }

    /// <summary>Creates the database when it does not exist yet.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlIdentifier.Quote(database)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task StopAsync(string mode = "fast")
    {
        var bin = FindBinaries();
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(_dataDirectory, "data"), "-m", mode, "-w", "stop"], Environment.UserName == "root", CancellationToken.None);
    }

    public async Task StartAgainAsync()
    {
        var bin = FindBinaries();
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -k {_dataDirectory} -c max_connections=300";
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(_dataDirectory, "data"), "-l", Path.Combine(_dataDirectory, "server.log"), "-w", "-t", "60", "-o", options, "start"], Environment.UserName == "root", CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopOnDispose)
        {
            await StopAsync("immediate");
        }
    }

    private static async Task<bool> IsRunningAsync(string bin, string pgData, bool asRoot, CancellationToken cancellationToken)
    {
        var (exitCode, _) = await TryRunAsync(Path.Combine(bin, "pg_ctl"), ["-D", pgData, "status"], asRoot, cancellationToken);
        return exitCode == 0;
    }

    private static string FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } fromEnvironment)
        {
            candidates.Add(fromEnvironment);
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "pg_ctl")) && File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL's initdb and pg_ctl were not found. Install them (apt-get install -y postgresql) or set ConnectionStrings:Postgres to a running server.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await TryRunAsync(file, arguments, asPostgres, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed with exit code {exitCode}: {output}");
        }
    }

    private static async Task<(int ExitCode, string Output)> TryRunAsync(string file, string[] arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgres ? "runuser" : file,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        // pg_ctl start leaves the server holding inherited pipes; read to end only what the tool itself writes.
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(2), cancellationToken)) is Task<string[]> both
            ? string.Join('\n', both.Result)
            : string.Empty;
        return (process.ExitCode, output.Trim());
    }
}
