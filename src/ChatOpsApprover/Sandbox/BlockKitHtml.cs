using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// Block Kit as HTML, generically: header, section (text, fields, accessory), context, divider, actions (buttons with
/// their style, static selects), input (plain_text_input, static_select). A block or element it does not know is shown
/// as its JSON, never dropped, so whatever the bot sends is visible. Buttons and selects are forms that post to
/// <see cref="BlockKitSurface.ActionUrl"/> naming the element ([block_id, action_id] as JSON in "element"); what a click
/// sends to the bot is built from the stored message, not from the page.
/// </summary>
public static class BlockKitHtml
{
    public const string ElementField = "element";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The blocks, or the text as mrkdwn when there are none (Slack shows text only then).</summary>
    public static string Render(JsonArray? blocks, string? text, BlockKitSurface surface)
    {
        if (blocks is not { Count: > 0 })
        {
            return $"<div class=\"bk-text\">{Mrkdwn.ToHtml(text, surface.UserName)}</div>";
        }

        var html = new StringBuilder();
        foreach (var block in blocks)
        {
            html.Append(Block(block as JsonObject, surface) ?? Raw(block));
        }

        return html.ToString();
    }

    /// <summary>A text object: mrkdwn or plain_text; null when it is not one.</summary>
    public static string? Text(JsonNode? text, Func<string, string?> userName) => BlockIds.Text(text, "type") switch
    {
        "mrkdwn" => Mrkdwn.ToHtml(BlockIds.Text(text, "text"), userName),
        "plain_text" => Mrkdwn.PlainToHtml(BlockIds.Text(text, "text"), text?["emoji"] is not JsonValue e || !e.TryGetValue<bool>(out var emoji) || emoji),
        _ => null,
    };

    /// <summary>The element's [block_id, action_id], as posted in <see cref="ElementField"/>.</summary>
    public static string ElementKey(string blockId, string actionId) => new JsonArray(blockId, actionId).ToJsonString();

    private static string? Block(JsonObject? block, BlockKitSurface surface) => BlockIds.Text(block, "type") switch
    {
        "header" => Text(block!["text"], surface.UserName) is { } header ? $"<div class=\"bk-header\">{header}</div>" : null,
        "divider" => "<hr class=\"bk-divider\">",
        "section" => Section(block!, surface),
        "context" => Context(block!, surface),
        "actions" => Actions(block!, surface),
        "input" => Input(block!, surface),
        _ => null,
    };

    private static string? Section(JsonObject block, BlockKitSurface surface)
    {
        var text = block["text"] is null ? string.Empty : Text(block["text"], surface.UserName);
        var fields = block["fields"] as JsonArray ?? [];
        if (text is null || (text.Length == 0 && fields.Count == 0))
        {
            return null;
        }

        var html = new StringBuilder("<div class=\"bk-section\"><div class=\"bk-section-body\">");
        if (text.Length > 0)
        {
            html.Append("<div class=\"bk-text\">").Append(text).Append("</div>");
        }

        if (fields.Count > 0)
        {
            html.Append("<div class=\"bk-fields\">");
            foreach (var field in fields)
            {
                html.Append("<div class=\"bk-field\">").Append(Text(field, surface.UserName) ?? Raw(field)).Append("</div>");
            }

            html.Append("</div>");
        }

        html.Append("</div>");
        if (block["accessory"] is JsonObject accessory)
        {
            html.Append("<div class=\"bk-accessory\">").Append(Element(block, accessory, surface) ?? Raw(accessory)).Append("</div>");
        }

        return html.Append("</div>").ToString();
    }

    private static string? Context(JsonObject block, BlockKitSurface surface)
    {
        if (block["elements"] is not JsonArray elements)
        {
            return null;
        }

        var html = new StringBuilder("<div class=\"bk-context\">");
        foreach (var element in elements)
        {
            var shown = BlockIds.Text(element, "type") == "image"
                ? $"<span class=\"bk-image\">[{Html.E(BlockIds.Text(element, "alt_text") ?? "image")}]</span>"
                : Text(element, surface.UserName);
            html.Append("<span>").Append(shown ?? Raw(element)).Append("</span>");
        }

        return html.Append("</div>").ToString();
    }

    private static string? Actions(JsonObject block, BlockKitSurface surface)
    {
        if (block["elements"] is not JsonArray elements)
        {
            return null;
        }

        var html = new StringBuilder("<div class=\"bk-actions\">");
        foreach (var element in elements)
        {
            html.Append(element is JsonObject e ? Element(block, e, surface) ?? Raw(e) : Raw(element));
        }

        return html.Append("</div>").ToString();
    }

    private static string? Input(JsonObject block, BlockKitSurface surface)
    {
        var blockId = BlockIds.Text(block, "block_id");
        var label = Text(block["label"], surface.UserName);
        if (blockId is null || label is null || block["element"] is not JsonObject element || BlockIds.Text(element, "action_id") is not { } actionId)
        {
            return null;
        }

        var field = ViewState.Field(blockId, actionId);
        var id = FieldId(field);
        var optional = block["optional"] is JsonValue o && o.TryGetValue<bool>(out var isOptional) && isOptional;
        var error = surface.Errors.GetValueOrDefault(blockId);
        var entered = ViewState.Entered(surface.State, blockId, actionId);
        var html = new StringBuilder("<div class=\"bk-input").Append(error is null ? string.Empty : " bk-invalid").Append("\">")
            .Append("<label for=\"").Append(id).Append("\">").Append(label)
            .Append(optional ? " <span class=\"bk-optional\">(optional)</span>" : string.Empty).Append("</label>");
        var attributes = new StringBuilder($" id=\"{id}\" name=\"{Html.E(field)}\"");
        if (!optional)
        {
            attributes.Append(" required");
        }

        if (error is not null)
        {
            attributes.Append(" aria-invalid=\"true\" aria-describedby=\"").Append(id).Append("-error\"");
        }

        if (!surface.InForm)
        {
            attributes.Append(" disabled");
        }

        switch (BlockIds.Text(element, "type"))
        {
            case "plain_text_input":
                TextInput(html, element, attributes, entered);
                break;
            case "static_select":
                html.Append("<select").Append(attributes).Append('>').Append(Options(element, entered ?? InitialOption(element))).Append("</select>");
                break;
            default:
                return null;
        }

        if (block["hint"] is { } hint && Text(hint, surface.UserName) is { } hintHtml)
        {
            html.Append("<p class=\"bk-hint\">").Append(hintHtml).Append("</p>");
        }

        if (error is not null)
        {
            html.Append("<p class=\"bk-error\" role=\"alert\" id=\"").Append(id).Append("-error\">").Append(Html.E(error)).Append("</p>");
        }

        return html.Append("</div>").ToString();
    }

    private static void TextInput(StringBuilder html, JsonObject element, StringBuilder attributes, string? entered)
    {
        var value = entered ?? BlockIds.Text(element, "initial_value") ?? string.Empty;
        if (BlockIds.Text(element["placeholder"], "text") is { } placeholder)
        {
            attributes.Append(" placeholder=\"").Append(Html.E(placeholder)).Append('"');
        }

        foreach (var (property, attribute) in new[] { ("min_length", "minlength"), ("max_length", "maxlength") })
        {
            if (element[property] is JsonValue n && n.TryGetValue<int>(out var length))
            {
                attributes.Append(' ').Append(attribute).Append("=\"").Append(length).Append('"');
            }
        }

        if (element["multiline"] is JsonValue m && m.TryGetValue<bool>(out var multiline) && multiline)
        {
            html.Append("<textarea rows=\"3\"").Append(attributes).Append('>').Append(Html.E(value)).Append("</textarea>");
        }
        else
        {
            html.Append("<input type=\"text\"").Append(attributes).Append(" value=\"").Append(Html.E(value)).Append("\">");
        }
    }

    /// <summary>A button or static select in an actions block or a section's accessory.</summary>
    private static string? Element(JsonObject block, JsonObject element, BlockKitSurface surface)
    {
        var blockId = BlockIds.Text(block, "block_id");
        var actionId = BlockIds.Text(element, "action_id");
        if (blockId is null || actionId is null)
        {
            return null;
        }

        var key = Html.E(ElementKey(blockId, actionId));
        return BlockIds.Text(element, "type") switch
        {
            "button" => Button(element, key, surface),
            "static_select" => Select(element, ViewState.Field(blockId, actionId), key, ViewState.Entered(surface.State, blockId, actionId) ?? InitialOption(element), surface),
            _ => null,
        };
    }

    private static string? Button(JsonObject element, string key, BlockKitSurface surface)
    {
        if (Text(element["text"], surface.UserName) is not { } label)
        {
            return null;
        }

        var style = BlockIds.Text(element, "style") is "primary" or "danger" ? " bk-" + BlockIds.Text(element, "style") : string.Empty;
        if (BlockIds.Text(element, "url") is { } url)
        {
            return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? $"<a class=\"bk-button{style}\" href=\"{Html.E(uri.AbsoluteUri)}\" target=\"_blank\" rel=\"noopener noreferrer\">{label}</a>"
                : null;
        }

        var confirm = element["confirm"] is JsonObject c ? $" data-confirm=\"{Html.E(BlockIds.Text(c["text"], "text") ?? "Are you sure?")}\"" : string.Empty;
        var button = surface.InForm
            ? $"<button type=\"submit\" class=\"bk-button{style}\" formaction=\"{Html.E(surface.ActionUrl)}\" formnovalidate name=\"{ElementField}\" value=\"{key}\"{confirm}>{label}</button>"
            : $"<button type=\"submit\" class=\"bk-button{style}\" name=\"{ElementField}\" value=\"{key}\"{confirm}>{label}</button>";
        return surface.InForm ? button : Form(surface, button);
    }

    private static string Select(JsonObject element, string field, string key, string? selected, BlockKitSurface surface)
    {
        var placeholder = BlockIds.Text(element["placeholder"], "text") ?? "Choose";
        var select = $"<select name=\"{Html.E(field)}\" aria-label=\"{Html.E(placeholder)}\" data-element=\"{key}\" data-formaction=\"{Html.E(surface.ActionUrl)}\">"
            + Options(element, selected) + "</select>";
        return surface.InForm
            ? select
            : Form(surface, select + $"<noscript><button type=\"submit\" class=\"bk-button\" name=\"{ElementField}\" value=\"{key}\">Choose</button></noscript>");
    }

    private static string Options(JsonObject select, string? selected)
    {
        var html = new StringBuilder();
        var placeholder = BlockIds.Text(select["placeholder"], "text") ?? "Choose";
        html.Append("<option value=\"\"").Append(selected is null ? " selected" : string.Empty).Append(" disabled>").Append(Html.E(placeholder)).Append("</option>");
        void Add(JsonNode? option)
        {
            var value = BlockIds.Text(option, "value") ?? string.Empty;
            html.Append("<option value=\"").Append(Html.E(value)).Append('"').Append(value == selected ? " selected" : string.Empty).Append('>')
                .Append(Html.E(BlockIds.Text(option?["text"], "text") ?? value)).Append("</option>");
        }

        foreach (var option in select["options"] as JsonArray ?? [])
        {
            Add(option);
        }

        foreach (var group in select["option_groups"] as JsonArray ?? [])
        {
            html.Append("<optgroup label=\"").Append(Html.E(BlockIds.Text(group?["label"], "text"))).Append("\">");
            foreach (var option in group?["options"] as JsonArray ?? [])
            {
                Add(option);
            }

            html.Append("</optgroup>");
        }

        return html.ToString();
    }

    private static string? InitialOption(JsonObject select) => BlockIds.Text(select["initial_option"], "value");

    /// <summary>One element's own form, carrying the surface's hidden fields.</summary>
    private static string Form(BlockKitSurface surface, string content)
    {
        var html = new StringBuilder("<form method=\"post\" class=\"bk-form\" action=\"").Append(Html.E(surface.ActionUrl)).Append("\">");
        foreach (var (name, value) in surface.Hidden)
        {
            html.Append("<input type=\"hidden\" name=\"").Append(Html.E(name)).Append("\" value=\"").Append(Html.E(value)).Append("\">");
        }

        return html.Append(content).Append("</form>").ToString();
    }

    private static string FieldId(string field) => "f" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(field)))[..12];

    private static string Raw(JsonNode? node) =>
        $"<pre class=\"bk-raw\" title=\"Not rendered by the sandbox: shown as the bot sent it\">{Html.E(node?.ToJsonString(Indented) ?? "null")}</pre>";
}
