using System.Text.RegularExpressions;

namespace ChatOpsApprover.Tests.Deployment;

/// <summary>The top-level Dockerfile read as instructions (continuation lines joined, comments dropped), stage by stage.</summary>
internal sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<IReadOnlyList<(string Keyword, string Arguments)>> stages) => Stages = stages;

    public static Dockerfile Shipped { get; } = Read(Path.Combine(AppContext.BaseDirectory, "Dockerfile"));

    /// <summary>Each stage's instructions, from its FROM on.</summary>
    public IReadOnlyList<IReadOnlyList<(string Keyword, string Arguments)>> Stages { get; }

    public IReadOnlyList<(string Keyword, string Arguments)> Final => Stages[^1];

    /// <summary>The final stage's ENV settings (KEY=value form).</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        Final.Where(i => i.Keyword == "ENV").Select(i => i.Arguments.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

    /// <summary>The one argument of the final stage's <paramref name="keyword"/> instruction (EXPOSE, USER, WORKDIR).</summary>
    public string Single(string keyword) => Assert.Single(Final, i => i.Keyword == keyword).Arguments;

    private static Dockerfile Read(string path)
    {
        var instructions = new List<(string, string)>();
        var pending = string.Empty;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var instruction = (pending + line).Trim();
            pending = string.Empty;
            if (instruction.Length > 0)
            {
                var match = InstructionPattern().Match(instruction);
                instructions.Add((match.Groups[1].Value.ToUpperInvariant(), match.Groups[2].Value.Trim()));
            }
        }

        var stages = new List<IReadOnlyList<(string, string)>>();
        foreach (var instruction in instructions)
        {
            if (instruction.Item1 == "FROM" || stages.Count == 0)
            {
                stages.Add(new List<(string, string)>());
            }

            ((List<(string, string)>)stages[^1]).Add(instruction);
        }

        return new Dockerfile(stages);
    }

    [GeneratedRegex(@"^(\S+)\s*(.*)$")]
    private static partial Regex InstructionPattern();
}
