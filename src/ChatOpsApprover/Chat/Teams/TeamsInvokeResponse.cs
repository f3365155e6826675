using System.Text.Json.Nodes;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>The bodies Teams expects in answer to an invoke activity: a card, a message, or an error.</summary>
public static class TeamsInvokeResponse
{
    public static IResult Card(JsonNode card) => Results.Json(new JsonObject
    {
        ["statusCode"] = 200,
        ["type"] = TeamsApprovalCard.ContentType,
        ["value"] = card,
    });

    public static IResult Message(string text) => Results.Json(new JsonObject
    {
        ["statusCode"] = 200,
        ["type"] = "application/vnd.microsoft.activity.message",
        ["value"] = text,
    });

    public static IResult Error(int status, string code, string message) => Results.Json(new JsonObject
    {
        ["statusCode"] = status,
        ["type"] = "application/vnd.microsoft.error",
        ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
    });
}
