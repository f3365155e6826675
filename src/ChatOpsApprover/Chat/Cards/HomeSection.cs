namespace ChatOpsApprover.Chat.Cards;

/// <summary>A part of a home view: its heading, its requests, what it says when it has none, and a line when more were left out.</summary>
public sealed record HomeSection(string Heading, IReadOnlyList<HomeEntry> Entries, string Empty, string? More);
