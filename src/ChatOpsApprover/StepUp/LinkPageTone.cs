namespace ChatOpsApprover.StepUp;

/// <summary>How a link's page looks: a form to fill in, a success, or a problem.</summary>
public enum LinkPageTone
{
    Form,
    Success,
    Problem,
}
