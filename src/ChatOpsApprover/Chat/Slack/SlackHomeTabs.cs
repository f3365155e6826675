using ChatOpsApprover.Chat.Cards;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;
using Hangfire;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// The bot's Home tab on Slack: published for a person when they open it (app_home_opened), and republished, as a chat
/// job, for the people a request concerns (its requester, the approvers of its role) whenever it changes — only for
/// those who opened the tab at least once.
/// </summary>
public sealed class SlackHomeTabs(
    AccessDirectory directory,
    ListRequests listRequests,
    SlackApiClient api,
    SlackHomeTabStore store,
    IBackgroundJobClient jobs) : IHomeViews
{
    /// <summary>A person opened the tab: remember it and publish it, later, in a chat job (Slack wants its answer first).</summary>
    public void Opened(string userId) => jobs.Enqueue<SlackHomeTabJobs>(j => j.OpenedAsync(userId, CancellationToken.None));

    public async Task RequestsChangedAsync(IReadOnlyCollection<AccessRequest> requests, CancellationToken cancellationToken)
    {
        // Each request's requester and the approvers of its role: whose lists it is on, or was on until now.
        var people = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            people.Add(request.PersonId);
            if (directory.FindRole(request.RoleName) is { } role)
            {
                people.UnionWith(directory.ApproversOf(role, request));
            }
        }

        var userIds = people.Select(directory.FindPerson).Select(p => p?.IdentityOn(SlackChat.Key)).OfType<string>().ToList();
        var opened = await store.OpenedAmongAsync(userIds, cancellationToken);
        if (opened.Count > 0)
        {
            var ids = opened.ToArray();
            jobs.Enqueue<SlackHomeTabJobs>(j => j.PublishAsync(ids, CancellationToken.None));
        }
    }

    /// <summary>
    /// Publishes <paramref name="userId"/>'s Home tab as it stands now. Two jobs for one person (a decision and a grant
    /// a moment apart) take turns, each reading after the other published, so an older tab never lands last.
    /// </summary>
    public async Task PublishAsync(string userId, CancellationToken cancellationToken)
    {
        await using var turn = await store.LockAsync(userId, cancellationToken);
        var user = new ChatUser(SlackChat.Key, userId);
        HomeView view;
        if (directory.FindByChatUser(user) is not { } person)
        {
            view = HomeViewBuilder.NotRegistered(user);
        }
        else
        {
            var own = await listRequests.ListAsync(person);
            var waiting = await listRequests.WaitingForAsync(person, SlackChat.Key);
            view = HomeViewBuilder.Build(person, own, waiting, directory.ApprovesAnyRole(person.Id));
        }

        await api.PublishHomeAsync(userId, SlackHomeTab.Render(view, id => directory.FindPerson(id)?.IdentityOn(SlackChat.Key)), cancellationToken);
    }
}
