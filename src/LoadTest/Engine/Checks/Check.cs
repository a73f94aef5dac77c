namespace LoadTest.Engine.Checks;

/// <summary>
/// One judgement of a response, compiled once before the run. Its <see cref="Name"/> is what the summary
/// counts it under, so it is stable: built from what the check tests, never from a response.
/// </summary>
internal abstract class Check
{
    protected Check(string name, CheckNeeds needs)
    {
        Name = name;
        Needs = needs;
    }

    /// <summary>Such as "StatusCode 200", "Json /status == ok", "MaxMs 500".</summary>
    public string Name { get; }

    public CheckNeeds Needs { get; }

    /// <summary>True when the response passes; called once per response, on any thread.</summary>
    public abstract bool Passes(ref CheckResponse response, ICheckContext context);

    /// <summary>What the response held instead, for the error of a failed check: a short clause on one line.</summary>
    public abstract string Seen(ref CheckResponse response, ICheckContext context);

    public override string ToString() => Name;
}
