using System.CommandLine;
using System.Globalization;
using ChatOpsApprover.Domain;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Policy;

/// <summary>"policy check [file]" and "policy explain &lt;person&gt; &lt;role&gt; [duration] [--at &lt;time&gt;]": the policy, offline.</summary>
public static class PolicyCommandLine
{
    /// <summary>The exit code of a check that found a problem.</summary>
    public const int ProblemsFound = 1;

    public static Command Create(IReadOnlyList<string> settings)
    {
        var policy = new Command("policy", "Check the configuration's policy, or explain what would happen to a request, without starting the bot");
        policy.Add(Check(settings));
        policy.Add(Explain(settings));
        return policy;
    }

    private static Command Check(IReadOnlyList<string> settings)
    {
        var file = new Argument<string?>("file")
        {
            Description = "A configuration file to check in place of appsettings.json (default: the configuration the bot would use)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var check = new Command("check", "Print every problem with its key and a summary of each role; exit 1 when there is a problem") { file };
        check.SetAction(result => Task.FromResult(CheckAsync(settings, result.GetValue(file), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error)));
        return check;
    }

    private static int CheckAsync(IReadOnlyList<string> settings, string? file, TextWriter output, TextWriter error)
    {
        if (Read(settings, file, error) is not { } configuration)
        {
            return ProblemsFound;
        }

        using (configuration)
        {
            foreach (var problem in configuration.Problems)
            {
                error.WriteLine($"Problem: {problem}");
            }

            if (configuration.Problems.Count > 0)
            {
                error.WriteLine($"{configuration.Problems.Count} problem(s): the bot would not start with this configuration.");
                return ProblemsFound;
            }

            output.Write(PolicySummary.Of(configuration.Directory()));
            output.WriteLine("No problems found.");
            return 0;
        }
    }

    private static Command Explain(IReadOnlyList<string> settings)
    {
        var person = new Argument<string>("person") { Description = "A person id under People, e.g. alice" };
        var role = new Argument<string>("role") { Description = "A role under Roles, e.g. prod-db-read" };
        var duration = new Argument<string?>("duration") { Description = "How long, e.g. 2h or 1h30m (default 1h)", Arity = ArgumentArity.ZeroOrOne };
        var at = new Option<string?>("--at") { Description = "When the request would be made, e.g. 2026-12-01T03:00:00+01:00 (default: now)", HelpName = "time" };
        var first = new Option<bool>("--first-request") { Description = "Explain it as the person's first request of the role (Risk:FirstRequest)" };
        var file = new Option<string?>("--file") { Description = "A configuration file in place of appsettings.json", HelpName = "file" };
        var explain = new Command("explain", "Print what would happen to a request and which rules decide it") { person, role, duration, at, first, file };
        explain.Validators.Add(result =>
        {
            if (result.GetValue(duration) is { } text && !DurationText.TryParse(text, out _, out var problem))
            {
                result.AddError($"duration: {problem}");
            }

            if (result.GetValue(at) is { } time && !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            {
                result.AddError($"--at: \"{time}\" is not a time; write it as ISO 8601, e.g. 2026-12-01T03:00:00+01:00 (without an offset: UTC).");
            }
        });
        explain.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            if (Read(settings, result.GetValue(file), result.InvocationConfiguration.Error) is not { } configuration)
            {
                return ProblemsFound;
            }

            using (configuration)
            {
                // Problems elsewhere (chat credentials, production settings) do not change what the policy decides.
                foreach (var problem in configuration.Problems)
                {
                    result.InvocationConfiguration.Error.WriteLine($"Problem: {problem}");
                }

                AccessDirectory directory;
                try
                {
                    directory = configuration.Directory();
                }
                catch (OptionsValidationException)
                {
                    result.InvocationConfiguration.Error.WriteLine("People, groups or roles have problems (above): nothing can be explained until they are fixed.");
                    return ProblemsFound;
                }

                var personId = result.GetValue(person)!;
                if (directory.FindPerson(personId) is not { } who)
                {
                    result.InvocationConfiguration.Error.WriteLine($"There is no person \"{personId}\" under People.");
                    return ProblemsFound;
                }

                var span = TimeSpan.FromHours(1);
                if (result.GetValue(duration) is { } text)
                {
                    DurationText.TryParse(text, out span, out _);
                }

                var when = result.GetValue(at) is { } moment
                    ? DateTimeOffset.Parse(moment, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                    : TimeProvider.System.GetUtcNow();
                output.Write(PolicyExplanation.Of(directory, who, result.GetValue(role)!, span, when, result.GetValue(first)));
                return 0;
            }
        });
        return explain;
    }

    /// <summary>The configuration, or null (with why on <paramref name="error"/>) when its file cannot be read at all.</summary>
    private static PolicyConfiguration? Read(IReadOnlyList<string> settings, string? file, TextWriter error)
    {
        if (file is not null && !File.Exists(file))
        {
            error.WriteLine($"Problem: there is no file {file}.");
            return null;
        }

        try
        {
            return PolicyConfiguration.Read(settings, file);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"Problem: {file ?? "appsettings.json"} could not be read: {e.Message}");
            return null;
        }
    }
}
