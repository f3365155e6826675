using System.Text.Json;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.Health;
using Microsoft.Extensions.Configuration;

namespace ChatOpsApprover.Tests.Deployment;

/// <summary>The Dockerfile states facts the app must match: its port, its health check, its user, its entry point.</summary>
public sealed class DockerfileTests
{
    private static readonly Dockerfile Image = Dockerfile.Shipped;

    /// <summary>The image's unprivileged user, which the Kubernetes manifests run as too.</summary>
    public const int AppUid = 1654;

    public const int Port = 8080;

    [Fact]
    public void TwoStages_BuildWithTheSdk_RunOnTheAspNetRuntime()
    {
        Assert.Equal(2, Image.Stages.Count);
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0 AS build", Image.Stages[0][0].Arguments);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", Image.Final[0].Arguments);
        Assert.Contains(Image.Stages[0], i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet publish src/ChatOpsApprover/ChatOpsApprover.csproj", StringComparison.Ordinal));
        Assert.Contains(Image.Final, i => i.Keyword == "COPY" && i.Arguments == "--from=build /app ./");
        Assert.Equal("/app", Image.Single("WORKDIR"));
    }

    [Fact]
    public void ListensOn8080_ThroughTheSettingTheOperatorMayChange()
    {
        Assert.Equal($"{Port}", Image.Environment["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal($"{Port}", Image.Single("EXPOSE"));
    }

    [Fact]
    public void RunsAsTheImagesUnprivilegedUser_ByNumber()
    {
        Assert.Equal($"{AppUid}", Image.Single("USER"));
    }

    [Fact]
    public void TheEntryPoint_IsTheBotsAssembly()
    {
        Assert.Equal(["dotnet", AssemblyFile], JsonSerializer.Deserialize<string[]>(Image.Single("ENTRYPOINT"))!);
    }

    [Fact]
    public async Task TheHealthCheck_RunsTheHealthCommand_AskingHealthzOn8080()
    {
        var healthcheck = Image.Single("HEALTHCHECK");
        var command = healthcheck[(healthcheck.IndexOf("CMD ", StringComparison.Ordinal) + "CMD ".Length)..];
        var words = JsonSerializer.Deserialize<string[]>(command)!;
        Assert.Equal(["dotnet", AssemblyFile, "health"], words);

        // The command exists, and with the image's settings it asks /healthz on the image's port.
        using var output = new StringWriter();
        Assert.Equal(0, await CommandLine.TryRunAsync([.. words.Skip(2), "--help"], output, TextWriter.Null));
        Assert.Contains(HealthSetup.LivenessPath, output.ToString(), StringComparison.Ordinal);
        Assert.Equal(new Uri($"http://127.0.0.1:{Port}{HealthSetup.LivenessPath}"), new Uri(ListeningAddress.Local(ImageConfiguration())!, HealthSetup.LivenessPath));
    }

    [Fact]
    public void NoSecretIsBakedIn()
    {
        string[] secrets = ["Secret", "Token", "Password", "ConnectionString", "KeyEncryptionKey"];
        Assert.DoesNotContain(Image.Stages.SelectMany(s => s), i => i.Keyword is "ENV" or "ARG" && secrets.Any(s => i.Arguments.Contains(s, StringComparison.OrdinalIgnoreCase)));
    }

    private static string AssemblyFile => typeof(ChatOpsApproverApp).Assembly.GetName().Name + ".dll";

    /// <summary>The image's environment as the web host reads it (ASPNETCORE_ variables without their prefix).</summary>
    private static IConfiguration ImageConfiguration() => new ConfigurationBuilder()
        .AddInMemoryCollection(Image.Environment
            .Where(e => e.Key.StartsWith("ASPNETCORE_", StringComparison.Ordinal))
            .Select(e => KeyValuePair.Create(e.Key["ASPNETCORE_".Length..], (string?)e.Value)))
        .Build();
}
