using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Tests.Chat.Slack;

public sealed class SlackRequestModalTests
{
    private static RoleDefinition Role(string name, TimeSpan max, string description = "") =>
        new(name, description, "prod-db", "g", max, ["bob"], 1, false, new Dictionary<ChatPlatform, string>());

    [Fact]
    public void Durations_AreTheStepsUpToTheLongestMaximum_PlusEachRolesOwnMaximum() =>
        Assert.Equal(
            [TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromMinutes(90), TimeSpan.FromHours(2)],
            SlackRequestModal.Durations([Role("a", TimeSpan.FromMinutes(90)), Role("b", TimeSpan.FromHours(2))]));

    [Fact]
    public void RoleOptions_StayWithinSlacksLimits_AndKeepTheRoleNameAsTheValue()
    {
        var view = SlackRequestModal.View([Role("prod-db-read", TimeSpan.FromHours(4), new string('d', 200))], "C1");
        var option = view["blocks"]![0]!["element"]!["options"]![0]!;
        Assert.Equal("prod-db-read", option["value"]!.GetValue<string>());
        Assert.Equal(75, option["description"]!["text"]!.GetValue<string>().Length);
        Assert.Equal("C1", JsonNode.Parse(view["private_metadata"]!.GetValue<string>())!["channel"]!.GetValue<string>());
    }

    [Fact]
    public void ASubmission_IsRead_WithEmptyAndMalformedValuesAsNull()
    {
        var payload = new JsonObject
        {
            ["type"] = "view_submission",
            ["user"] = new JsonObject { ["id"] = "U1" },
            ["view"] = new JsonObject
            {
                ["callback_id"] = SlackRequestModal.CallbackId,
                ["private_metadata"] = "{\"channel\":null}",
                ["state"] = new JsonObject
                {
                    ["values"] = new JsonObject
                    {
                        ["role"] = new JsonObject { ["role"] = new JsonObject { ["selected_option"] = new JsonObject { ["value"] = "prod-db-read" } } },
                        ["duration"] = new JsonObject { ["duration"] = new JsonObject { ["selected_option"] = new JsonObject { ["value"] = "-5" } } },
                        ["reason"] = new JsonObject { ["reason"] = new JsonObject { ["value"] = null } },
                    },
                },
            },
        };
        Assert.Equal(new SlackRequestSubmission("U1", null, "prod-db-read", null, null), SlackRequestSubmission.TryRead(payload.ToJsonString()));

        payload["view"]!["callback_id"] = SlackDenyModal.CallbackId;
        Assert.Null(SlackRequestSubmission.TryRead(payload.ToJsonString()));
    }
}
