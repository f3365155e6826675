using System.Globalization;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Requests;

namespace ChatOpsApprover.Chat.Cards;

/// <summary>Builds a person's <see cref="HomeView"/> from their open requests and what waits for their decision.</summary>
public static class HomeViewBuilder
{
    public const string Title = "ChatOpsApprover";

    /// <summary>More of a person's own open requests than this are not shown one by one (a view has a block limit).</summary>
    public const int MaxOwn = 20;

    public const string OwnHeading = "Your pending and active requests";
    public const string WaitingHeading = "Waiting for your decision";

    /// <param name="waiting">From <see cref="ListRequests.WaitingForAsync"/>: at most one more than <see cref="ListRequests.MaxWaiting"/>.</param>
    /// <param name="approver">Whether they approve any role: only approvers see the waiting part, even when it is empty.</param>
    public static HomeView Build(Person person, IReadOnlyList<AccessRequest> own, IReadOnlyList<WaitingRequest> waiting, bool approver)
    {
        List<HomeSection> sections =
        [
            new(
                OwnHeading,
                [.. own.Take(MaxOwn).Select(Own)],
                "You have no pending or active requests.",
                own.Count > MaxOwn ? "…and more: type /jit list to see them all." : null),
        ];
        if (approver || waiting.Count > 0)
        {
            sections.Add(new HomeSection(
                WaitingHeading,
                [.. waiting.Take(ListRequests.MaxWaiting).Select(w => Waiting(w.Request))],
                "Nothing waits for your decision.",
                waiting.Count > ListRequests.MaxWaiting ? "…and more; decide these first, or see each role's approval channel." : null));
        }

        return new HomeView(
            Title,
            $"Ask for a role for a while; approvers decide, and access ends on its own. Signed in as {person.Id}.",
            [new HomeAction(HomeActionKind.RequestAccess, "Request access")],
            sections);
    }

    /// <summary>Someone the bot does not know: what they are, and how to get added. No buttons, no requests.</summary>
    public static HomeView NotRegistered(ChatUser user) => new(Title, RequestMessages.NotRegistered(user), [], []);

    private static HomeEntry Own(AccessRequest request) => new(
        request.Id,
        CardText.Plain(RequestMessages.Summary(request)),
        // Your own active access may always be ended (AccessPolicy.MayRevoke): the same as "jit revoke <id>".
        request.Status == RequestStatus.Active ? [new HomeAction(HomeActionKind.Revoke, "Revoke")] : []);

    private static HomeEntry Waiting(AccessRequest request)
    {
        var id = request.Id.ToString(CultureInfo.InvariantCulture);
        return new HomeEntry(
            request.Id,
            CardText.Of(
                $"#{id} {request.RoleName} for {DurationText.Format(request.Duration)}, asked by ",
                CardSpan.Person(request.PersonId),
                $" at {RequestMessages.Time(request.RequestedAt)}: {request.Reason}"),
            [new HomeAction(HomeActionKind.Approve, "Approve"), new HomeAction(HomeActionKind.Deny, "Deny")]);
    }
}
