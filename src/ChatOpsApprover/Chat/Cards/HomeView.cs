namespace ChatOpsApprover.Chat.Cards;

/// <summary>
/// A person's own page of the bot (Slack's App Home), the same model whatever renders it; built by
/// <see cref="HomeViewBuilder"/>: a greeting, the buttons that apply to them (request access), their pending and active
/// requests and, for an approver, the requests waiting for their decision. Someone not registered gets only the
/// <paramref name="Intro"/> saying so and how to get added.
/// </summary>
public sealed record HomeView(string Title, string Intro, IReadOnlyList<HomeAction> Actions, IReadOnlyList<HomeSection> Sections);
