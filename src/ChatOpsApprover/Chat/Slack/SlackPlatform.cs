using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>Slack's outbound side: cards with chat.postMessage/chat.update, DMs through conversations.open.</summary>
public sealed class SlackPlatform(SlackApiClient api, AccessDirectory directory) : IChatPlatform
{
    public ChatPlatform Platform => SlackChat.Key;

    public string? ApprovalChannel(RoleDefinition role) => role.ApprovalChannelOn(SlackChat.Key);

    /// <summary>The message's permalink as Slack forms it: the channel and the message's ts without its dot.</summary>
    public Uri? LinkTo(ChatMessageRef card) =>
        new($"https://slack.com/archives/{Uri.EscapeDataString(card.Channel)}/p{Uri.EscapeDataString(card.MessageId.Replace(".", string.Empty, StringComparison.Ordinal))}");

    public async Task<ChatMessageRef> PostApprovalCardAsync(string channel, ApprovalCard card, CancellationToken cancellationToken)
    {
        var (text, blocks) = SlackApprovalCard.Render(card, SlackUserIdOf);
        var (postedChannel, ts) = await api.PostMessageAsync(channel, text, blocks, cancellationToken);
        return new ChatMessageRef(SlackChat.Key, postedChannel, ts);
    }

    public async Task UpdateApprovalCardAsync(ChatMessageRef message, ApprovalCard card, CancellationToken cancellationToken)
    {
        var (text, blocks) = SlackApprovalCard.Render(card, SlackUserIdOf);
        await api.UpdateMessageAsync(message.Channel, message.MessageId, text, blocks, cancellationToken);
    }

    public async Task<bool> SendDirectMessageAsync(Person person, string text, CancellationToken cancellationToken)
    {
        if (SlackChat.UserId(person) is not { } userId)
        {
            return false;
        }

        var channel = await api.OpenDirectChannelAsync(userId, cancellationToken);
        await api.PostMessageAsync(channel, SlackText.Escape(text), blocks: null, cancellationToken);
        return true;
    }

    public async Task<bool> SendEndingSoonAsync(Person person, EndingSoonNotice notice, CancellationToken cancellationToken)
    {
        if (SlackChat.UserId(person) is not { } userId)
        {
            return false;
        }

        var channel = await api.OpenDirectChannelAsync(userId, cancellationToken);
        var (text, blocks) = SlackEndingSoonMessage.Render(notice);
        await api.PostMessageAsync(channel, text, blocks, cancellationToken);
        return true;
    }

    /// <summary>A reply in the card's thread that mentions them: they are notified and find the card right above it.</summary>
    public async Task NudgeAsync(ChatMessageRef card, IReadOnlyList<Person> people, string text, ApprovalCard? withCard, CancellationToken cancellationToken)
    {
        var mentions = string.Join(" ", people.Select(p => SlackText.Mention(SlackChat.UserId(p), p.Id)));
        await api.PostMessageAsync(card.Channel, $"{mentions} {SlackText.Escape(text)}", blocks: null, threadTs: card.MessageId, cancellationToken);
    }

    /// <summary>An @here message: the alert notifies everyone active in the channel. Only the bot's own mention is markup.</summary>
    public async Task PostAlertAsync(string channel, string text, CancellationToken cancellationToken) =>
        await api.PostMessageAsync(channel, $"<!here> :rotating_light: {SlackText.Escape(text)}", blocks: null, cancellationToken);

    public Task SendEphemeralAsync(string userId, string channel, string text, CancellationToken cancellationToken) =>
        api.PostEphemeralAsync(channel, userId, SlackText.Escape(text), cancellationToken);

    /// <summary>The person's Slack user id, so a card can mention them; null when they have none (they are named instead).</summary>
    private string? SlackUserIdOf(string personId) => SlackChat.UserId(directory.FindPerson(personId));
}
