using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests;

/// <summary>The program's command line, run as a process: help, and a wrong option's exit code and message.</summary>
public sealed class CommandLineProgramTests
{
    private static readonly Dictionary<string, string> NoSettings = [];

    [Fact]
    public async Task Help_IsPrinted_WithExitCode0()
    {
        var (exitCode, output, error) = await ProgramRun.RunAsync(NoSettings, "migrate", "--help");
        Assert.True(exitCode == 0, error);
        Assert.Contains("ChatOpsApprover migrate [options]", output, StringComparison.Ordinal);
        Assert.Contains("--app-role <role>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongOption_ExitsWith2_AndSaysWhatWasWrong_OnStandardError()
    {
        var (exitCode, output, error) = await ProgramRun.RunAsync(NoSettings, "migrate", "--app-rol", "jit_app");
        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("Unrecognized command or argument '--app-rol'.", error, StringComparison.Ordinal);
        Assert.Contains("--app-role <role>", error, StringComparison.Ordinal);
    }
}
