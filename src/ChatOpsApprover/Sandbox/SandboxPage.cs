using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// The sandbox page, rendered on the server: who you are, the message box, and what Slack would show you — the
/// requests channel with your ephemeral answers, your direct messages with the bot, the approval channels, the audit
/// channel with its threads, your Home tab, an open modal — and beside the chat the roles' members at the target.
/// The one script (live updates) and style sheet come from this server; nothing else is loaded.
/// </summary>
public static class SandboxPage
{
    public const string Path = "/sandbox";
    public const string AsField = "as";
    public const string SurfaceField = "surface";
    public const string ViewField = "view_id";
    public const string TextField = "text";
    public const string ChannelField = "channel";

    // Long histories render only their end; the page is for following what happens now.
    private const int MessagesPerChannel = 60;

    public static string Render(SandboxPageModel model)
    {
        var me = model.Scene.Me;
        var html = new StringBuilder(16 * 1024);
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Sandbox · ChatOpsApprover</title>\n")
            .Append("<link rel=\"icon\" href=\"data:,\">\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append(Path).Append("/sandbox.css\">\n")
            .Append("<script src=\"").Append(Path).Append("/sandbox.js\" defer></script>\n</head>\n")
            .Append("<body data-as=\"").Append(Html.E(me.PersonId)).Append("\">\n<header class=\"top\">\n")
            .Append("<p class=\"brand\"><strong>ChatOpsApprover</strong> sandbox <span>— plays Slack on this machine, speaking Slack's protocol to the bot</span></p>\n")
            .Append("<form method=\"get\" action=\"").Append(Path).Append("\" class=\"who\">")
            .Append("<label for=\"as\">You are</label><select id=\"as\" name=\"").Append(AsField).Append("\" data-navigate>");
        foreach (var person in model.Scene.People)
        {
            html.Append("<option value=\"").Append(Html.E(person.PersonId)).Append('"').Append(person == me ? " selected" : string.Empty).Append('>')
                .Append(Html.E(person.PersonId)).Append(" (").Append(Html.E(person.SlackId)).Append(")</option>");
        }

        html.Append("</select><noscript><button type=\"submit\">Switch</button></noscript></form>\n</header>\n");
        var requests = model.Scene.Channels.FirstOrDefault(c => c.Id == SandboxSettings.RequestsChannel);
        html.Append("<form method=\"post\" action=\"").Append(Path).Append("/type\" class=\"composer\" id=\"composer-form\">");
        Hidden(html, model, (AsField, me.PersonId), (ChannelField, SandboxSettings.RequestsChannel));
        html.Append("<label for=\"composer\">Message #").Append(Html.E(requests?.Name ?? "access-requests")).Append("</label>")
            .Append("<input id=\"composer\" name=\"").Append(TextField).Append("\" type=\"text\" autocomplete=\"off\" maxlength=\"4000\" placeholder=\"/jit request prod-db-read 2h fix INC-1234\">")
            .Append("<button type=\"submit\">Send</button></form>\n")
            .Append("<main id=\"workspace\" data-version=\"").Append(model.Scene.Version).Append("\">\n").Append(Panes(model)).Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The part of the page that live updates replace.</summary>
    public static string Panes(SandboxPageModel model)
    {
        var scene = model.Scene;
        var html = new StringBuilder(16 * 1024);
        if (scene.Notices.Count > 0)
        {
            html.Append("<ul class=\"notices\" role=\"status\">");
            foreach (var notice in scene.Notices)
            {
                html.Append("<li><time>").Append(Time(notice.Ts)).Append("</time> ").Append(Html.E(notice.Text)).Append("</li>");
            }

            html.Append("</ul>\n");
        }

        var audit = scene.Channels.Where(c => c.Id == model.AuditChannel).ToList();
        var requests = scene.Channels.Where(c => c.Id == SandboxSettings.RequestsChannel).ToList();
        var approvals = scene.Channels.Except(audit).Except(requests).ToList();
        html.Append("<section class=\"column\" aria-label=\"Your conversations\">\n");
        foreach (var channel in requests)
        {
            Channel(html, model, channel, "pane-" + channel.Id, "#" + channel.Name);
        }

        Channel(html, model, scene.Direct ?? new SandboxChannel("D" + scene.Me.SlackId, scene.Me.PersonId, $"Direct messages between {SandboxSettings.BotName} and {scene.Me.PersonId}", scene.Me.SlackId), "pane-dm", $"{SandboxSettings.BotName} · direct messages");
        html.Append("</section>\n<section class=\"column\" aria-label=\"Approval channels\">\n");
        foreach (var channel in approvals)
        {
            Channel(html, model, channel, "pane-" + channel.Id, "#" + channel.Name);
        }

        html.Append("</section>\n<section class=\"column\" aria-label=\"Target and audit\">\n");
        Memberships(html, model.Members);
        foreach (var channel in audit)
        {
            Channel(html, model, channel, "pane-" + channel.Id, "#" + channel.Name);
        }

        Home(html, model);
        html.Append("</section>\n");
        if (scene.Modal is { } modal)
        {
            Modal(html, model, modal);
        }

        return html.ToString();
    }

    private static void Channel(StringBuilder html, SandboxPageModel model, SandboxChannel channel, string id, string title)
    {
        var scene = model.Scene;
        html.Append("<article class=\"pane\" id=\"").Append(Html.E(id)).Append("\" data-channel=\"").Append(Html.E(channel.Id)).Append("\">\n<h2>").Append(Html.E(title))
            .Append("</h2>\n<p class=\"about\">").Append(Html.E(channel.About)).Append("</p>\n<ol class=\"messages\">\n");
        var messages = scene.Messages.Where(m => m.Channel == channel.Id).ToList();
        var timeline = messages.Where(m => m.ThreadTs is null).Select(m => (m.Ts, Message: (SandboxMessage?)m, Ephemeral: (SandboxEphemeral?)null))
            .Concat(scene.Ephemerals.Where(e => e.Channel == channel.Id).Select(e => (e.Ts, Message: (SandboxMessage?)null, Ephemeral: (SandboxEphemeral?)e)))
            .OrderBy(x => x.Ts, StringComparer.Ordinal)
            .TakeLast(MessagesPerChannel)
            .ToList();
        if (timeline.Count == 0)
        {
            html.Append("<li class=\"empty\">Nothing here yet.</li>\n");
        }

        foreach (var (_, message, ephemeral) in timeline)
        {
            if (message is not null)
            {
                Message(html, model, message, messages.Where(r => r.ThreadTs == message.Ts).ToList());
            }
            else
            {
                Ephemeral(html, model, ephemeral!);
            }
        }

        html.Append("</ol>\n</article>\n");
    }

    private static void Message(StringBuilder html, SandboxPageModel model, SandboxMessage message, IReadOnlyList<SandboxMessage> replies)
    {
        html.Append("<li class=\"message\" data-ts=\"").Append(message.Ts).Append("\">");
        Meta(html, model, message.Author, message.Ts, message.Edited ? " <span class=\"edited\">(edited)</span>" : string.Empty);
        html.Append("<div class=\"body\">").Append(BlockKitHtml.Render(message.Blocks, message.Text, Surface(model, $"message:{message.Channel}:{message.Ts}"))).Append("</div>");
        if (replies.Count > 0)
        {
            html.Append("<details class=\"thread\" id=\"thread-").Append(Html.E(message.Channel)).Append('-').Append(message.Ts.Replace('.', '-')).Append("\"><summary>")
                .Append(replies.Count).Append(replies.Count == 1 ? " reply" : " replies").Append("</summary><ol class=\"messages\">");
            foreach (var reply in replies)
            {
                Message(html, model, reply, []);
            }

            html.Append("</ol></details>");
        }

        html.Append("</li>\n");
    }

    private static void Ephemeral(StringBuilder html, SandboxPageModel model, SandboxEphemeral message)
    {
        html.Append("<li class=\"message ephemeral\" data-ts=\"").Append(message.Ts).Append("\">");
        if (message.Typed is not null)
        {
            html.Append("<p class=\"typed\">").Append(Html.E(message.Typed)).Append("</p>");
        }

        Meta(html, model, SandboxSettings.BotUserId, message.Ts, " <span class=\"only-you\">Only visible to you</span>");
        html.Append("<div class=\"body\">").Append(BlockKitHtml.Render(message.Blocks, message.Text, Surface(model, $"ephemeral:{message.Ts}"))).Append("</div></li>\n");
    }

    private static void Meta(StringBuilder html, SandboxPageModel model, string author, string ts, string extra)
    {
        var bot = author == SandboxSettings.BotUserId;
        html.Append("<p class=\"meta\"><span class=\"author\">").Append(Html.E(bot ? SandboxSettings.BotName : Name(model, author) ?? author)).Append("</span>")
            .Append(bot ? "<span class=\"app\">APP</span>" : string.Empty)
            .Append("<time>").Append(Time(ts)).Append("</time>").Append(extra).Append("</p>");
    }

    private static void Memberships(StringBuilder html, IReadOnlyList<RoleMembers> members)
    {
        html.Append("<article class=\"pane\" id=\"memberships\">\n<h2>At the target now</h2>\n")
            .Append("<p class=\"about\">Who holds each role's grant right now, read from the target (pg_auth_members): a grant appears here when access starts and goes when it ends.</p>\n")
            .Append("<table><thead><tr><th scope=\"col\">Role</th><th scope=\"col\">Members</th></tr></thead><tbody>\n");
        foreach (var role in members)
        {
            html.Append("<tr data-role=\"").Append(Html.E(role.Role)).Append("\"><th scope=\"row\">").Append(Html.E(role.Role))
                .Append("<small>").Append(Html.E(role.Grant)).Append(" on ").Append(Html.E(role.Target)).Append("</small></th><td>");
            if (role.Problem is not null)
            {
                html.Append("<span class=\"problem\">").Append(Html.E(role.Problem)).Append("</span>");
            }
            else if (role.Members.Count == 0)
            {
                html.Append("<span class=\"none\">nobody</span>");
            }
            else
            {
                html.Append("<ul>");
                foreach (var member in role.Members)
                {
                    html.Append("<li data-login=\"").Append(Html.E(member.Login)).Append("\"><code>").Append(Html.E(member.Login)).Append("</code>")
                        .Append(member.PersonId is null ? string.Empty : $" ({Html.E(member.PersonId)})").Append("</li>");
                }

                html.Append("</ul>");
            }

            html.Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n</article>\n");
    }

    private static void Home(StringBuilder html, SandboxPageModel model)
    {
        html.Append("<article class=\"pane\" id=\"pane-home\">\n<h2>").Append(SandboxSettings.BotName).Append(" · Home</h2>\n")
            .Append("<form method=\"post\" action=\"").Append(Path).Append("/home\" class=\"bk-form\">");
        Hidden(html, model, (AsField, model.Scene.Me.PersonId));
        html.Append("<button type=\"submit\" class=\"bk-button\">Open the Home tab</button></form>\n");
        if (model.Scene.Home is { } home)
        {
            html.Append("<div class=\"body\">").Append(BlockKitHtml.Render(home.Blocks, null, Surface(model, "view:" + home.Id) with { State = home.StateValues })).Append("</div>\n");
        }
        else
        {
            html.Append("<p class=\"about\">The bot has not published a Home tab for you.</p>\n");
        }

        html.Append("</article>\n");
    }

    private static void Modal(StringBuilder html, SandboxPageModel model, SandboxView modal)
    {
        var errors = string.Join('\n', modal.Errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + e.Value));
        var keep = $"{modal.Id}:{modal.Hash}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(errors)))[..8]}";
        html.Append("<div class=\"backdrop\">\n<div class=\"modal\" role=\"dialog\" aria-modal=\"true\" aria-labelledby=\"modal-title\" id=\"modal\" data-keep=\"").Append(Html.E(keep)).Append("\">\n")
            .Append("<form method=\"post\" action=\"").Append(Path).Append("/submit\">");
        Hidden(html, model, (AsField, model.Scene.Me.PersonId), (ViewField, modal.Id), (SurfaceField, "view:" + modal.Id));
        html.Append("<h2 id=\"modal-title\">").Append(BlockKitHtml.Text(modal.Body["title"], id => Name(model, id)) ?? "Modal").Append("</h2>\n")
            .Append(BlockKitHtml.Render(modal.Blocks, null, Surface(model, "view:" + modal.Id) with { InForm = true, Errors = modal.Errors, State = modal.StateValues }));
        var shown = modal.Blocks.Select(b => BlockIds.Text(b, "block_id")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (block, message) in modal.Errors.Where(e => !shown.Contains(e.Key)))
        {
            html.Append("<p class=\"bk-error\" role=\"alert\">The bot named block \"").Append(Html.E(block)).Append("\", which this view does not have: ").Append(Html.E(message)).Append("</p>");
        }

        var close = BlockKitHtml.Text(modal.Body["close"], id => Name(model, id)) ?? "Cancel";
        html.Append("<div class=\"modal-buttons\"><button type=\"submit\" class=\"bk-button\" formaction=\"").Append(Path).Append("/close\" formnovalidate>").Append(close).Append("</button>");
        if (BlockKitHtml.Text(modal.Body["submit"], id => Name(model, id)) is { } submit)
        {
            html.Append("<button type=\"submit\" class=\"bk-button bk-primary\">").Append(submit).Append("</button>");
        }

        html.Append("</div></form>\n</div>\n</div>\n");
    }

    private static BlockKitSurface Surface(SandboxPageModel model, string surface) => new(id => Name(model, id))
    {
        ActionUrl = Path + "/act",
        Hidden = [new(model.TokenField, model.Token), new(AsField, model.Scene.Me.PersonId), new(SurfaceField, surface)],
    };

    private static void Hidden(StringBuilder html, SandboxPageModel model, params (string Name, string Value)[] fields)
    {
        foreach (var (name, value) in fields.Prepend((model.TokenField, model.Token)))
        {
            html.Append("<input type=\"hidden\" name=\"").Append(Html.E(name)).Append("\" value=\"").Append(Html.E(value)).Append("\">");
        }
    }

    private static string? Name(SandboxPageModel model, string slackId) =>
        slackId == SandboxSettings.BotUserId ? SandboxSettings.BotName : model.Scene.People.FirstOrDefault(p => p.SlackId == slackId)?.PersonId;

    /// <summary>A message ts as the time of day (UTC) it was sent.</summary>
    private static string Time(string ts) =>
        double.TryParse(ts, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)).ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : ts;
}
