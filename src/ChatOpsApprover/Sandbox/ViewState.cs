using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// view.state.values as Slack sends it with view_submission and block_actions: [block_id][action_id] → the element's
/// type and value (plain_text_input) or selected_option (static_select), null when nothing was entered or chosen.
/// </summary>
public static class ViewState
{
    /// <summary>The form field an element's value is posted in; the ids are JSON-encoded, so any characters survive.</summary>
    public static string Field(string blockId, string actionId) => "state:" + new JsonArray(blockId, actionId).ToJsonString();

    /// <summary>The state of every input and select in <paramref name="blocks"/>, read from the posted form.</summary>
    public static JsonObject Read(JsonArray blocks, Func<string, string?> formValue)
    {
        var values = new JsonObject();
        foreach (var block in blocks.OfType<JsonObject>())
        {
            var blockId = BlockIds.Text(block, "block_id");
            if (blockId is null)
            {
                continue;
            }

            foreach (var element in BlockIds.Elements(block))
            {
                var actionId = BlockIds.Text(element, "action_id");
                if (actionId is not null && Value(element, formValue(Field(blockId, actionId))) is { } value)
                {
                    var forBlock = values[blockId] as JsonObject ?? (JsonObject)(values[blockId] = new JsonObject());
                    forBlock[actionId] = value;
                }
            }
        }

        return values;
    }

    /// <summary>What the person last entered in an element, for showing it again: an input's text or a select's option value.</summary>
    public static string? Entered(JsonObject stateValues, string blockId, string actionId) =>
        stateValues[blockId]?[actionId] is JsonObject entry
            ? BlockIds.Text(entry, "value") ?? BlockIds.Text(entry["selected_option"], "value")
            : null;

    /// <summary>The option of a static_select with this value (from options or option_groups), or null.</summary>
    public static JsonObject? Option(JsonObject select, string? value)
    {
        if (value is null)
        {
            return null;
        }

        var groups = select["option_groups"] as JsonArray ?? [];
        var options = (select["options"] as JsonArray ?? []).Concat(groups.SelectMany(g => g?["options"] as JsonArray ?? []));
        return options.OfType<JsonObject>().FirstOrDefault(o => BlockIds.Text(o, "value") == value);
    }

    private static JsonObject? Value(JsonObject element, string? posted) => BlockIds.Text(element, "type") switch
    {
        "plain_text_input" => new JsonObject { ["type"] = "plain_text_input", ["value"] = string.IsNullOrEmpty(posted) ? null : posted },
        "static_select" => new JsonObject { ["type"] = "static_select", ["selected_option"] = Option(element, posted)?.DeepClone() },
        _ => null,
    };
}
