namespace ChatOpsApprover.Tests;

/// <summary>The command line: help on every command, usage errors that say what was wrong, and the web host by default.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int? ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandLine.TryRunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_ListsTheCommands_AndWhereSettingsComeFrom(string help)
    {
        var (exitCode, output, error) = await RunAsync(help);
        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        foreach (var expected in new[] { "audit", "migrate", "health", "help", "Without a command it runs the bot", CommandLine.Settings })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("migrate --help", "--app-role <role>")]
    [InlineData("audit --help", "verify")]
    [InlineData("audit verify --help", "exit code 0 when intact, 1 when broken, 2 when it cannot be checked")]
    [InlineData("--ConnectionStrings:Postgres=Host=db migrate --help", "Apply the schema migrations")]
    [InlineData("health --help", "--url <url>")]
    public async Task EveryCommand_HasHelp(string commandLine, string expected)
    {
        var (exitCode, output, _) = await RunAsync(commandLine.Split(' '));
        Assert.Equal(0, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate --app-rol jit_app", "Unrecognized command or argument '--app-rol'.", "--app-role <role>")]
    [InlineData("migrate --app-role", "Required argument missing for option: '--app-role'.", "--app-role <role>")]
    [InlineData("audit", "Required command was not provided.", "verify")]
    [InlineData("audit check", "Unrecognized command or argument 'check'.", "verify")]
    [InlineData("audti verify", "Unrecognized command or argument 'audti'.", "migrate")]
    [InlineData("health --url ftp://127.0.0.1/healthz", "--url needs an absolute http(s) URL", "--url <url>")]
    [InlineData("health --url /healthz", "--url needs an absolute http(s) URL", "--url <url>")]
    public async Task AWrongCommandLine_Exits2_SayingWhatWasWrong_AndHowToWriteIt(string commandLine, string problem, string usage)
    {
        var (exitCode, output, error) = await RunAsync(commandLine.Split(' '));
        Assert.Equal(CommandLine.UsageError, exitCode);
        Assert.Empty(output);
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.Contains(usage, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--urls=http://127.0.0.1:5080")]
    [InlineData("--urls", "http://127.0.0.1:5080")]
    [InlineData("/urls", "http://127.0.0.1:5080")]
    [InlineData("urls=http://127.0.0.1:5080")]
    [InlineData("--ConnectionStrings:Postgres=Host=db", "--Slack:ApiBaseUrl=https://slack.example/api/")]
    public async Task NoCommand_LeavesEveryArgumentToTheWebHost(params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(args);
        Assert.Null(exitCode);
        Assert.Empty(output);
        Assert.Empty(error);
    }
}
