using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// Slack gives every block without a block_id, and every interactive element without an action_id, one of its own
/// when it stores a message or view; clicks and view state then name those ids.
/// </summary>
public static class BlockIds
{
    /// <summary>A copy of <paramref name="blocks"/> in which every block and interactive element has its id.</summary>
    public static JsonArray Assign(JsonArray blocks)
    {
        var copy = (JsonArray)blocks.DeepClone();
        foreach (var block in copy.OfType<JsonObject>())
        {
            block["block_id"] ??= NewId();
            foreach (var element in Elements(block))
            {
                element["action_id"] ??= NewId();
            }
        }

        return copy;
    }

    /// <summary>The interactive elements of a block: an actions block's elements, a section's accessory, an input's element.</summary>
    public static IEnumerable<JsonObject> Elements(JsonObject block)
    {
        if (block["elements"] is JsonArray elements && block["type"]?.GetValue<string>() == "actions")
        {
            foreach (var element in elements.OfType<JsonObject>())
            {
                yield return element;
            }
        }

        if (block["accessory"] is JsonObject accessory)
        {
            yield return accessory;
        }

        if (block["element"] is JsonObject input)
        {
            yield return input;
        }
    }

    /// <summary>The element <paramref name="actionId"/> of block <paramref name="blockId"/>, with the block.</summary>
    public static (JsonObject Block, JsonObject Element)? Find(JsonArray? blocks, string blockId, string actionId)
    {
        foreach (var block in blocks?.OfType<JsonObject>() ?? [])
        {
            if (Text(block, "block_id") != blockId)
            {
                continue;
            }

            if (Elements(block).FirstOrDefault(e => Text(e, "action_id") == actionId) is { } element)
            {
                return (block, element);
            }
        }

        return null;
    }

    public static string? Text(JsonNode? node, string property) =>
        node is JsonObject o && o[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(6)).Replace('+', 'a').Replace('/', 'b');
}
