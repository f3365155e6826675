namespace ChatOpsApprover.Chat.Cards;

/// <summary>How a note under a card's facts should catch the eye; each platform picks its own icon or colour.</summary>
public enum CardTone
{
    /// <summary>A plain record of what happened (who approved or denied, and when).</summary>
    Neutral,

    /// <summary>Something is waiting for someone (a second-factor confirmation).</summary>
    Waiting,

    /// <summary>Something was confirmed as asked.</summary>
    Confirmed,

    /// <summary>Went through, but deserves a look (a confirmation from a new device or network).</summary>
    Warning,

    /// <summary>Refused or blocked.</summary>
    Refused,
}
