using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// Slack's mrkdwn as HTML, as the Slack client shows it. &lt;…&gt; sequences are Slack's markup (mentions, channel
/// links, &lt;!here&gt;, links); &amp;amp; &amp;lt; &amp;gt; are text, so escaped user text stays text. *bold*,
/// _italic_, ~strike~, `code` and ```blocks```, bare web addresses as links, a few emoji codes. Links are made only for
/// http, https and mailto: anything else stays text.
/// </summary>
public static partial class Mrkdwn
{
    // Markers for pieces already turned into HTML, from the Unicode private-use area; stripped from the input first.
    private const char Open = '\uE000';
    private const char Close = '\uE001';

    private static readonly Dictionary<string, string> Emoji = new(StringComparer.Ordinal)
    {
        ["hourglass_flowing_sand"] = "⏳",
        ["hourglass"] = "⌛",
        ["closed_lock_with_key"] = "🔐",
        ["lock"] = "🔒",
        ["unlock"] = "🔓",
        ["key"] = "🔑",
        ["warning"] = "⚠️",
        ["no_entry"] = "⛔",
        ["no_entry_sign"] = "🚫",
        ["rotating_light"] = "🚨",
        ["white_check_mark"] = "✅",
        ["heavy_check_mark"] = "✔️",
        ["x"] = "❌",
        ["bell"] = "🔔",
        ["clock1"] = "🕐",
        ["stopwatch"] = "⏱️",
        ["alarm_clock"] = "⏰",
        ["bust_in_silhouette"] = "👤",
        ["busts_in_silhouette"] = "👥",
        ["information_source"] = "ℹ️",
        ["memo"] = "📝",
        ["wave"] = "👋",
    };

    /// <summary>mrkdwn as HTML; <paramref name="userName"/> names a Slack user id (null: the id is shown).</summary>
    public static string ToHtml(string? text, Func<string, string?> userName)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var pieces = new List<string>();
        var html = new StringBuilder();
        var clean = text.Replace(Open.ToString(), string.Empty, StringComparison.Ordinal).Replace(Close.ToString(), string.Empty, StringComparison.Ordinal);
        var at = 0;
        while (at < clean.Length)
        {
            var start = clean.IndexOf('<', at);
            var end = start < 0 ? -1 : clean.IndexOf('>', start + 1);
            if (start < 0 || end < 0)
            {
                AppendText(html, clean[at..], pieces);
                break;
            }

            AppendText(html, clean[at..start], pieces);
            Hold(html, pieces, Markup(clean[(start + 1)..end], userName));
            at = end + 1;
        }

        var formatted = Format(html.ToString(), pieces);
        return Restore(formatted, pieces);
    }

    /// <summary>plain_text as HTML: escaped, with emoji codes shown as emoji (Slack's "emoji": true, the default).</summary>
    public static string PlainToHtml(string? text, bool emoji = true) =>
        emoji ? EmojiPattern().Replace(Html.E(text), m => Emoji.GetValueOrDefault(m.Groups[1].Value) ?? m.Value) : Html.E(text);

    /// <summary>Text outside &lt;…&gt;: Slack's three entities become characters, bare web addresses links, the rest escaped.</summary>
    private static void AppendText(StringBuilder html, string raw, List<string> pieces)
    {
        var text = Unescape(raw);
        var at = 0;
        foreach (Match url in BareUrlPattern().Matches(text))
        {
            html.Append(Html.E(text[at..url.Index]));
            Hold(html, pieces, Link(url.Value, label: null));
            at = url.Index + url.Length;
        }

        html.Append(Html.E(text[at..]));
    }

    /// <summary>One &lt;…&gt; sequence: a mention, a channel, a special mention, a date, or a link.</summary>
    private static string Markup(string inner, Func<string, string?> userName)
    {
        var bar = inner.IndexOf('|');
        var target = bar < 0 ? inner : inner[..bar];
        var label = bar < 0 ? null : Unescape(inner[(bar + 1)..]);
        if (target.StartsWith('@'))
        {
            var id = target[1..];
            return $"<span class=\"mention\">@{Html.E(userName(id) ?? label ?? id)}</span>";
        }

        if (target.StartsWith('#'))
        {
            return $"<span class=\"channel-link\">#{Html.E(label ?? target[1..])}</span>";
        }

        if (target.StartsWith('!'))
        {
            var special = target[1..];
            return special switch
            {
                "here" or "channel" or "everyone" => $"<span class=\"mention broadcast\">@{special}</span>",
                _ when special.StartsWith("subteam^", StringComparison.Ordinal) => $"<span class=\"mention\">{Html.E(label ?? "@" + special[8..])}</span>",
                _ when special.StartsWith("date^", StringComparison.Ordinal) => Html.E(label ?? special.Split('^').ElementAtOrDefault(2) ?? special),
                _ => Html.E(label ?? special),
            };
        }

        return Link(Unescape(target), label);
    }

    private static string Link(string url, string? label)
    {
        var shown = label ?? url;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto"
            ? $"<a href=\"{Html.E(uri.AbsoluteUri)}\" target=\"_blank\" rel=\"noopener noreferrer\">{Html.E(shown)}</a>"
            : Html.E(shown);
    }

    /// <summary>Code first (nothing inside it is formatted), then emoji, bold, italic, strike, and line breaks.</summary>
    private static string Format(string html, List<string> pieces)
    {
        html = PrePattern().Replace(html, m => Held(pieces, $"<pre>{m.Groups[1].Value}</pre>"));
        html = CodePattern().Replace(html, m => Held(pieces, $"<code>{m.Groups[1].Value}</code>"));
        html = EmojiPattern().Replace(html, m => Emoji.GetValueOrDefault(m.Groups[1].Value) ?? m.Value);
        html = BoldPattern().Replace(html, "<strong>$1</strong>");
        html = ItalicPattern().Replace(html, "<em>$1</em>");
        html = StrikePattern().Replace(html, "<del>$1</del>");
        return html.Replace("\n", "<br>", StringComparison.Ordinal);
    }

    private static void Hold(StringBuilder html, List<string> pieces, string piece) => html.Append(Held(pieces, piece));

    private static string Held(List<string> pieces, string piece)
    {
        pieces.Add(piece);
        return Open + (pieces.Count - 1).ToString(CultureInfo.InvariantCulture) + Close;
    }

    /// <summary>Puts the held pieces back; a code span or block may hold a link, so twice.</summary>
    private static string Restore(string html, List<string> pieces)
    {
        for (var depth = 0; depth < 2; depth++)
        {
            html = HeldPattern().Replace(html, m => int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var i) && i < pieces.Count ? pieces[i] : string.Empty);
        }

        return html;
    }

    private static string Unescape(string text) =>
        text.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);

    [GeneratedRegex(@"\uE000(\d+)\uE001")]
    private static partial Regex HeldPattern();

    [GeneratedRegex(@"https?://[^\s<>""'\uE000\uE001]+[^\s<>""'.,;:!?)\]\uE000\uE001]")]
    private static partial Regex BareUrlPattern();

    [GeneratedRegex(@"```\n?([\s\S]+?)```")]
    private static partial Regex PrePattern();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@":([a-z0-9_+\-]+):")]
    private static partial Regex EmojiPattern();

    [GeneratedRegex(@"(?<![\p{L}\p{N}*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\p{L}\p{N}*])")]
    private static partial Regex BoldPattern();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\p{L}\p{N}_])")]
    private static partial Regex ItalicPattern();

    [GeneratedRegex(@"(?<![\p{L}\p{N}~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\p{L}\p{N}~])")]
    private static partial Regex StrikePattern();
}
