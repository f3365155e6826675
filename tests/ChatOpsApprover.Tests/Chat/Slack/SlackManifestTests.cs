using System.Text.Json.Nodes;
using NJsonSchema;

namespace ChatOpsApprover.Tests.Chat.Slack;

public sealed class SlackManifestTests
{
    private static readonly string ManifestPath = Path.Combine(AppContext.BaseDirectory, "manifests", "slack", "manifest.json");
    private static readonly string SocketModeManifestPath = Path.Combine(AppContext.BaseDirectory, "manifests", "slack", "manifest.socket-mode.json");

    [Theory]
    [InlineData("manifest.json")]
    [InlineData("manifest.socket-mode.json")]
    public async Task Manifest_ValidatesAgainstSlacksSchema(string file)
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "schemas", "slack-manifest.schema.1.0.0.json"));
        var errors = schema.Validate(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "manifests", "slack", file)));
        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public void SocketModeManifest_TurnsSocketModeOn_NamesNoUrl_AndOtherwiseMatchesTheHttpOne()
    {
        var http = JsonNode.Parse(File.ReadAllText(ManifestPath))!;
        var socket = JsonNode.Parse(File.ReadAllText(SocketModeManifestPath))!;
        Assert.True(socket["settings"]!["socket_mode_enabled"]!.GetValue<bool>());
        Assert.DoesNotContain("\"url\"", socket.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("request_url", socket.ToJsonString(), StringComparison.Ordinal);

        // Everything else is the same app: the same command, scopes and features, less the addresses.
        static string WithoutAddresses(JsonNode manifest)
        {
            var copy = JsonNode.Parse(manifest.ToJsonString())!;
            copy["settings"]!["socket_mode_enabled"] = false;
            copy["settings"]!["interactivity"]!.AsObject().Remove("request_url");
            copy["settings"]!["event_subscriptions"]?.AsObject().Remove("request_url");
            foreach (var command in copy["features"]!["slash_commands"]!.AsArray())
            {
                command!.AsObject().Remove("url");
            }

            return copy.ToJsonString();
        }

        Assert.Equal(WithoutAddresses(http), WithoutAddresses(socket));
    }

    [Fact]
    public async Task Schema_RefusesABrokenManifest()
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "schemas", "slack-manifest.schema.1.0.0.json"));
        Assert.NotEmpty(schema.Validate("{\"display_information\":{},\"features\":{\"slash_commands\":[{\"url\":\"x\"}]}}"));
    }

    [Fact]
    public void Manifest_DeclaresTheJitCommand_TheInteractivityUrl_AndOnlyTheNeededScopes()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(ManifestPath))!;
        var command = manifest["features"]!["slash_commands"]!.AsArray().Single()!;
        Assert.Equal("/jit", command["command"]!.GetValue<string>());
        Assert.EndsWith("/slack/commands", command["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("/slack/interactions", manifest["settings"]!["interactivity"]!["request_url"]!.GetValue<string>(), StringComparison.Ordinal);
        var scopes = manifest["oauth_config"]!["scopes"]!["bot"]!.AsArray().Select(s => s!.GetValue<string>()).Order().ToArray();
        Assert.Equal(["chat:write", "commands", "im:write", "usergroups:read"], scopes);
    }

    [Fact]
    public void Manifest_DeclaresTheRequestAccessShortcut_WithTheCallbackIdTheBotAnswers()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(ManifestPath))!;
        var shortcut = manifest["features"]!["shortcuts"]!.AsArray().Single()!;
        Assert.Equal(("Request access", "global", ChatOpsApprover.Chat.Slack.SlackRequestModal.ShortcutCallbackId),
            (shortcut["name"]!.GetValue<string>(), shortcut["type"]!.GetValue<string>(), shortcut["callback_id"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("manifest.json")]
    [InlineData("manifest.socket-mode.json")]
    public void Manifest_EnablesTheHomeTab_AndSubscribesToAppHomeOpened(string file)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "manifests", "slack", file)))!;
        var home = manifest["features"]!["app_home"]!;
        Assert.True(home["home_tab_enabled"]!.GetValue<bool>());
        Assert.True(home["messages_tab_enabled"]!.GetValue<bool>());
        var events = manifest["settings"]!["event_subscriptions"]!;
        Assert.Equal(["app_home_opened"], events["bot_events"]!.AsArray().Select(e => e!.GetValue<string>()));
        if (file == "manifest.json")
        {
            Assert.EndsWith("/slack/events", events["request_url"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }
}
