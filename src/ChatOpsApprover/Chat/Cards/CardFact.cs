namespace ChatOpsApprover.Chat.Cards;

/// <summary>
/// One labelled fact ("Requester", "Reason", later "Approvals: 1 of 2"). A <paramref name="Wide"/> fact is free text
/// that takes a full row; short facts may share a row where the platform can lay them side by side.
/// </summary>
public sealed record CardFact(string Label, CardText Value, bool Wide = false);
