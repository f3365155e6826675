using System.Text.Json.Nodes;
using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Teams;

/// <summary>
/// Teams' outbound side: approval cards posted to the role's Teams channel and updated in place; private messages as
/// proactive 1:1 chats. Inactive (posts nothing, reaches nobody) while Teams:AppId is empty.
/// </summary>
public sealed class TeamsPlatform(
    ConnectorClient connector,
    TeamsUserStore users,
    IOptions<TeamsOptions> options,
    TimeProvider time,
    ILogger<TeamsPlatform> logger) : IChatPlatform
{
    public ChatPlatform Platform => TeamsChat.Key;

    public string? ApprovalChannel(RoleDefinition role) => options.Value.IsConfigured ? role.ApprovalChannelOn(TeamsChat.Key) : null;

    /// <summary>A deep link to the card's message: the channel's conversation id (without a thread part) and the post's activity id.</summary>
    public Uri? LinkTo(ChatMessageRef card) =>
        new($"https://teams.microsoft.com/l/message/{card.Channel.Split(';')[0]}/{Uri.EscapeDataString(card.MessageId)}");

    public async Task<ChatMessageRef> PostApprovalCardAsync(string channel, ApprovalCard card, CancellationToken cancellationToken)
    {
        var activityId = await connector.SendAsync(options.Value.ServiceUrl, channel, TeamsApprovalCard.Activity(card), cancellationToken);
        return new ChatMessageRef(TeamsChat.Key, channel, activityId);
    }

    public async Task UpdateApprovalCardAsync(ChatMessageRef message, ApprovalCard card, CancellationToken cancellationToken)
    {
        if (!options.Value.IsConfigured)
        {
            return;
        }

        await connector.UpdateAsync(options.Value.ServiceUrl, message.Channel, message.MessageId, TeamsApprovalCard.Activity(card), cancellationToken);
    }

    public Task<bool> SendDirectMessageAsync(Person person, string text, CancellationToken cancellationToken) =>
        TeamsChat.ObjectId(person) is { } objectId ? SendToUserAsync(objectId, TextActivity(text), cancellationToken) : Task.FromResult(false);

    public Task<bool> SendEndingSoonAsync(Person person, EndingSoonNotice notice, CancellationToken cancellationToken) =>
        TeamsChat.ObjectId(person) is { } objectId ? SendToUserAsync(objectId, TeamsEndingSoonCard.Activity(notice), cancellationToken) : Task.FromResult(false);

    /// <summary>
    /// A 1:1 message to each of them (Teams mentions in a channel thread need more than a text), and on escalation the
    /// card itself, so they can decide from there. Someone who cannot be reached is logged and skipped.
    /// </summary>
    public async Task NudgeAsync(ChatMessageRef card, IReadOnlyList<Person> people, string text, ApprovalCard? withCard, CancellationToken cancellationToken)
    {
        foreach (var person in people)
        {
            if (TeamsChat.ObjectId(person) is not { } objectId)
            {
                continue;
            }

            if (!await SendToUserAsync(objectId, TextActivity(text), cancellationToken))
            {
                logger.LogWarning("Could not reach {Person} on Teams about request {RequestId}; they still see it in the approval channel", person.Id, withCard?.RequestId);
                continue;
            }

            if (withCard is not null)
            {
                await SendToUserAsync(objectId, TeamsApprovalCard.Activity(withCard), cancellationToken);
            }
        }
    }

    /// <summary>A new post in the channel, with the activity's importance "high" (Bot Framework: low, normal or high).</summary>
    public async Task PostAlertAsync(string channel, string text, CancellationToken cancellationToken)
    {
        if (!options.Value.IsConfigured)
        {
            return;
        }

        var activity = TextActivity(text);
        activity["importance"] = "high";
        await connector.SendAsync(options.Value.ServiceUrl, channel, activity, cancellationToken);
    }

    /// <summary>Teams has no message that only one person in a channel sees: the message goes to their 1:1 chat.</summary>
    public async Task SendEphemeralAsync(string userId, string channel, string text, CancellationToken cancellationToken) =>
        await SendToUserAsync(userId, TextActivity(text), cancellationToken);

    /// <summary>Sends to the person's 1:1 chat; false when they cannot be reached there.</summary>
    public Task<bool> SendPrivatelyAsync(string aadObjectId, string text, CancellationToken cancellationToken) =>
        SendToUserAsync(aadObjectId, TextActivity(text), cancellationToken);

    /// <summary>A plain-text message, the form every reply and notification takes.</summary>
    public static JsonObject TextActivity(string text) => new()
    {
        ["type"] = "message",
        ["text"] = text,
        ["textFormat"] = "plain",
    };

    private async Task<bool> SendToUserAsync(string aadObjectId, JsonObject activity, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.IsConfigured)
        {
            return false;
        }

        var known = await users.FindAsync(aadObjectId);
        var serviceUrl = known?.ServiceUrl is { } recorded && Uri.TryCreate(recorded, UriKind.Absolute, out var url) ? url : settings.ServiceUrl;
        var conversationId = known?.PersonalConversationId;
        if (conversationId is null)
        {
            // Teams accepts the Entra object id as the member until the person's 29:… id is known from a message of theirs.
            var tenant = known?.TenantId ?? settings.DefaultTenant;
            if (tenant is null)
            {
                logger.LogWarning("Cannot start a Teams chat with {User}: their tenant is not known yet (they have not written to the bot) and Teams:TenantId is not set", aadObjectId);
                return false;
            }

            conversationId = await connector.CreatePersonalConversationAsync(serviceUrl, $"28:{settings.AppId}", known?.TeamsUserId ?? aadObjectId, tenant, cancellationToken);
            await users.RememberAsync(new TeamsUserRecord(aadObjectId, null, tenant, null, conversationId), time.GetUtcNow());
        }

        await connector.SendAsync(serviceUrl, conversationId, activity, cancellationToken);
        return true;
    }
}
