using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>A person types in a channel: /jit goes to the bot as a signed slash command, other text is an ordinary message.</summary>
public sealed class SandboxCommand(SandboxWorkspace workspace, SandboxBotClient bot)
{
    /// <summary>The only slash command the app has (manifests/slack/manifest.json).</summary>
    public const string Jit = "/jit";

    private static readonly Uri ResponseUrl = new("https://hooks.slack.invalid/commands/sandbox");

    public async Task TypeAsync(SandboxPerson me, SandboxChannel channel, string typed, CancellationToken cancellationToken)
    {
        typed = typed.Trim();
        if (typed.Length == 0)
        {
            return;
        }

        if (!typed.StartsWith('/'))
        {
            workspace.Post(channel.Id, me.SlackId, Escape(typed), blocks: null, threadTs: null);
            return;
        }

        var space = typed.IndexOfAny([' ', '\n']);
        var command = space < 0 ? typed : typed[..space];
        var text = space < 0 ? string.Empty : typed[(space + 1)..].Trim();
        if (command != Jit)
        {
            workspace.PostEphemeral(channel.Id, me.SlackId, $"{Escape(command)} is not a valid command. In Slack, all messages that start with the \"/\" character are interpreted as commands.", blocks: null, typed);
            return;
        }

        var trigger = workspace.IssueTrigger(me.SlackId);
        var answer = await bot.CommandAsync(SlackPayloads.Command(me, channel, command, text, trigger, ResponseUrl), cancellationToken);
        if (!answer.IsOk)
        {
            workspace.PostEphemeral(channel.Id, me.SlackId, $"{Jit} failed with the error \"{(answer.Status == 0 ? "operation_timeout" : "dispatch_failed")}\"", blocks: null, typed);
            workspace.Notice(me.SlackId, answer.Problem(typed)!);
            return;
        }

        if (answer.Problem(typed) is { } late)
        {
            workspace.Notice(me.SlackId, late);
        }

        if (answer.Json is not { } reply)
        {
            return;
        }

        var replyText = BlockIds.Text(reply, "text") ?? string.Empty;
        var blocks = reply["blocks"] as JsonArray;
        if (BlockIds.Text(reply, "response_type") == "in_channel")
        {
            // Slack shows the command itself in the channel, then the app's answer.
            workspace.Post(channel.Id, me.SlackId, Escape(typed), blocks: null, threadTs: null);
            workspace.Post(channel.Id, SandboxSettings.BotUserId, replyText, blocks, threadTs: null);
            return;
        }

        workspace.PostEphemeral(channel.Id, me.SlackId, replyText, blocks, typed);
    }

    /// <summary>What a person types reaches apps escaped, as Slack sends it.</summary>
    private static string Escape(string text) => Chat.Slack.SlackText.Escape(text);
}
