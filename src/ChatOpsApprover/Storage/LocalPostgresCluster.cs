using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ChatOpsApprover.Storage;

/// <summary>
/// A private PostgreSQL server started from the machine's binaries: the bot's embedded default when no
/// ConnectionStrings:Postgres is set, and the test suite's database. PostgreSQL refuses to run as root,
/// so as root the server runs as the "postgres" user through runuser, in a folder that user owns.
/// With password authentication (the embedded default) every connection, local socket included, needs the generated
/// password kept in <see cref="PasswordFileName"/> beside the data, readable only by the server's user.
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    /// <summary>The file, in the cluster's folder, that holds the superuser's generated password.</summary>
    public const string PasswordFileName = "password";

    private const string PasswordOnlyHba =
        """
        # Written by ChatOpsApprover: every connection needs the generated password (kept in ../password).
        local   all             all                     scram-sha-256
        host    all             all     127.0.0.1/32    scram-sha-256
        host    all             all     ::1/128         scram-sha-256
        local   replication     all                     scram-sha-256
        host    replication     all     127.0.0.1/32    scram-sha-256
        host    replication     all     ::1/128         scram-sha-256

        """;

    private readonly string _dataDirectory;
    private readonly bool _stopOnDispose;
    private readonly string? _password;
    private readonly string _serverOptions;

    private LocalPostgresCluster(string dataDirectory, int port, bool stopOnDispose, string? password, string serverOptions = "")
    {
        _serverOptions = serverOptions;
        _dataDirectory = dataDirectory;
        Port = port;
        _stopOnDispose = stopOnDispose;
        _password = password;
    }

    public int Port { get; }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Password = _password,
        Pooling = true,
        MaxPoolSize = 50,
    }.ConnectionString;

    /// <summary>
    /// Starts (or reuses, when it already runs) a cluster in <paramref name="dataDirectory"/>; port 0 picks a free one.
    /// With <paramref name="passwordAuthentication"/>, a new cluster is created with scram-sha-256 and a generated
    /// password, and one created earlier with trust authentication is upgraded in place (password set, pg_hba.conf
    /// rewritten, configuration reloaded): its data stays. The test suite's throwaway clusters use trust.
    /// <paramref name="extraServerOptions"/> (server settings as -c name=value, last one wins) tune a throwaway cluster.
    /// </summary>
    public static async Task<LocalPostgresCluster> StartAsync(string dataDirectory, int port, bool stopOnDispose, CancellationToken cancellationToken = default, bool passwordAuthentication = false, string extraServerOptions = "")
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
        var password = passwordAuthentication ? await PasswordAsync(dataDirectory, asRoot, cancellationToken) : null;
        if (!File.Exists(Path.Combine(pgData, "PG_VERSION")))
        {
            string[] auth = password is null ? ["--auth=trust"] : ["--auth=scram-sha-256", "--pwfile=" + Path.Combine(dataDirectory, PasswordFileName)];
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", pgData, "-U", "postgres", .. auth, "-E", "UTF8", "--no-instructions", "--no-sync"], asRoot, cancellationToken);
        }

        var portFile = Path.Combine(dataDirectory, "port");
        if (await IsRunningAsync(bin, pgData, asRoot, cancellationToken) && File.Exists(portFile))
        {
            var running = new LocalPostgresCluster(dataDirectory, int.Parse(await File.ReadAllTextAsync(portFile, cancellationToken), System.Globalization.CultureInfo.InvariantCulture), stopOnDispose, password);
            await running.RequirePasswordAsync(pgData, cancellationToken);
            return running;
        }

        if (port == 0)
        {
            port = FreePort();
        }

        var cluster = new LocalPostgresCluster(dataDirectory, port, stopOnDispose, password, extraServerOptions);
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", pgData, "-l", Path.Combine(dataDirectory, "server.log"), "-w", "-t", "60", "-o", cluster.ServerOptions(), "start"], asRoot, cancellationToken);
        await File.WriteAllTextAsync(portFile, port.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        await cluster.RequirePasswordAsync(pgData, cancellationToken);
        return cluster;
    }

    private string ServerOptions() =>
        $"-p {Port} -c listen_addresses=127.0.0.1 -k {_dataDirectory} -c max_connections=300 -c fsync=on -c shared_buffers=128MB {_serverOptions}";

    /// <summary>The generated password, made on first use: 32 random bytes in hex, in a file only the server's user can read.</summary>
    private static async Task<string> PasswordAsync(string dataDirectory, bool asRoot, CancellationToken cancellationToken)
    {
        var file = Path.Combine(dataDirectory, PasswordFileName);
        if (!File.Exists(file))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var stream = new FileStream(file, options))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            }

            if (asRoot)
            {
                await RunAsync("chown", ["postgres:postgres", file], asPostgres: false, cancellationToken);
            }
        }

        return (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
    }

    /// <summary>
    /// A cluster created with trust authentication (before passwords) gets its password and a pg_hba.conf that asks
    /// for it, then reloads; a cluster that already asks for it is left alone. Connecting works either way: trust
    /// does not ask for the password it is sent.
    /// </summary>
    private async Task RequirePasswordAsync(string pgData, CancellationToken cancellationToken)
    {
        var hba = Path.Combine(pgData, "pg_hba.conf");
        if (_password is null || (await File.ReadAllTextAsync(hba, cancellationToken)).Split('\n').All(line => line.TrimStart().StartsWith('#') || !line.Contains("trust", StringComparison.Ordinal)))
        {
            return;
        }

        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        // The password is hex, so it is safe as a literal (ALTER ROLE takes no parameters).
        await using (var alter = new NpgsqlCommand($"SET password_encryption = 'scram-sha-256'; ALTER ROLE postgres PASSWORD '{_password}'", connection))
        {
            await alter.ExecuteNonQueryAsync(cancellationToken);
        }

        await File.WriteAllTextAsync(hba, PasswordOnlyHba, cancellationToken);
        await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
        await reload.ExecuteScalarAsync(cancellationToken);
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

    /// <summary>
    /// Stops, at once, a server left running in <paramref name="dataDirectory"/> by a process that is gone (a killed test
    /// run, say), so that its folder can be removed; does nothing when none runs there.
    /// </summary>
    public static async Task StopLeftoverAsync(string dataDirectory)
    {
        var pgData = Path.Combine(Path.GetFullPath(dataDirectory), "data");
        if (File.Exists(Path.Combine(pgData, "postmaster.pid")))
        {
            await TryRunAsync(Path.Combine(FindBinaries(), "pg_ctl"), ["-D", pgData, "-m", "immediate", "-w", "stop"], Environment.UserName == "root", CancellationToken.None);
        }
    }

    public async Task StartAgainAsync()
    {
        var bin = FindBinaries();
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(_dataDirectory, "data"), "-l", Path.Combine(_dataDirectory, "server.log"), "-w", "-t", "60", "-o", ServerOptions(), "start"], Environment.UserName == "root", CancellationToken.None);
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
