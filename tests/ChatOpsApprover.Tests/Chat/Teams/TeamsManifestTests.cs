using System.Buffers.Binary;
using System.Text.Json.Nodes;
using ChatOpsApprover.Domain;
using NJsonSchema;

namespace ChatOpsApprover.Tests.Chat.Teams;

public sealed class TeamsManifestTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "manifests", "teams");
    private static readonly string SchemaPath = Path.Combine(AppContext.BaseDirectory, "TestData", "schemas", "teams-manifest.schema.1.30.json");

    [Fact]
    public async Task Manifest_ValidatesAgainstMicrosoftsSchema()
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath);
        var errors = schema.Validate(await File.ReadAllTextAsync(Path.Combine(Folder, "manifest.json")));
        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Theory]
    [InlineData("""{"bots":[{"botId":"not-a-guid","scopes":["personal"]}]}""")]
    [InlineData("""{"bots":[{"botId":"00000000-0000-0000-0000-000000000000","scopes":["everywhere"]}]}""")]
    [InlineData("""{"icons":{"color":"color.png"}}""")]
    [InlineData("""{"unknownProperty":true}""")]
    public async Task Schema_RefusesABrokenManifest(string change)
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "manifest.json")))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(change)!.AsObject().ToList())
        {
            manifest[key] = value?.DeepClone();
        }

        Assert.NotEmpty(schema.Validate(manifest.ToJsonString()));
    }

    [Fact]
    public void Manifest_DeclaresTheBot_InEveryScope_WithCommandsTheBotUnderstands()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json")))!;
        var bot = manifest["bots"]!.AsArray().Single()!;
        Assert.Equal(manifest["id"]!.GetValue<string>(), bot["botId"]!.GetValue<string>());
        Assert.Equal(["groupChat", "personal", "team"], bot["scopes"]!.AsArray().Select(s => s!.GetValue<string>()).Order().ToArray());
        var titles = bot["commandLists"]!.AsArray().SelectMany(l => l!["commands"]!.AsArray()).Select(c => c!["title"]!.GetValue<string>()).ToList();
        Assert.Equal(["jit breakglass", "jit enroll", "jit factors", "jit help", "jit list", "jit request", "jit review", "jit revoke", "jit roles"], titles.Order().ToArray());
        foreach (var title in titles)
        {
            var verb = title["jit ".Length..];
            var parsed = JitCommandParser.Parse(verb);
            Assert.False(parsed is JitCommand.Invalid invalid && invalid.Message.Contains("is not a jit command", StringComparison.Ordinal), $"{title} is not a command the bot knows");
        }
    }

    [Theory]
    [InlineData("color.png", 192)]
    [InlineData("outline.png", 32)]
    public void Icons_ArePngsOfTheSizeTeamsRequires(string file, int size)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, file));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        // Colour type 6: RGBA, so the outline icon can be white on transparent.
        Assert.Equal(6, bytes[25]);
    }
}
