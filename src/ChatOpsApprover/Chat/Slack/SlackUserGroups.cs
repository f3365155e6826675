using System.Collections.Concurrent;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.Domain;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// The members of the Slack usergroups configuration names ("slack:S0DBAS" in Groups, Approvers, Requesters,
/// EscalateTo), read with usergroups.users.list at start-up and every Slack:UserGroupRefresh in the background, and
/// answered from memory. A failed read (Slack down, 429 after the retries) keeps the last known members.
/// </summary>
public sealed class SlackUserGroups(SlackApiClient api, IOptions<AccessOptions> access, IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackUserGroups> logger)
    : BackgroundService, IChatGroupSource
{
    private readonly ConcurrentDictionary<string, string[]> _members = new(StringComparer.Ordinal);

    public ChatPlatform Platform => SlackChat.Key;

    public IReadOnlyCollection<string> MembersOf(string groupId) => _members.GetValueOrDefault(groupId) ?? [];

    /// <summary>Reads every configured usergroup once; returns how many were read.</summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        var read = 0;
        foreach (var groupId in ConfiguredGroups())
        {
            try
            {
                _members[groupId] = [.. await api.UserGroupMembersAsync(groupId, cancellationToken)];
                read++;
            }
            catch (ChatApiException e)
            {
                logger.LogWarning("Slack usergroups.users.list for {Group} failed: {Why}; its last known members ({Count}) stay in force until the next refresh", groupId, e.Message, MembersOf(groupId).Count);
            }
        }

        return read;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (ConfiguredGroups().Count == 0)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await RefreshAsync(stoppingToken);
            try
            {
                await Task.Delay(options.Value.UserGroupRefresh, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private HashSet<string> ConfiguredGroups()
    {
        var settings = access.Value;
        var entries = settings.Groups.Values.SelectMany(g => g)
            .Concat(settings.Roles.Values.SelectMany(r => r.Approvers.Concat(r.Requesters ?? []).Concat(r.EscalateTo)));
        return entries.Select(e => MemberEntry.Parse(e, [SlackChat.Key])).OfType<MemberEntry.PlatformGroup>().Select(g => g.GroupId).ToHashSet(StringComparer.Ordinal);
    }
}
