namespace LoadTest.Engine.Checks;

/// <summary>
/// Fills the variables of a check's expected text for one response. A run of single requests has none
/// (<see cref="IdentityCheckContext"/>); a flow resolves its iteration's variables here.
/// </summary>
internal interface ICheckContext
{
    /// <summary>The text with its variables replaced; called only for text that holds "#{".</summary>
    string Resolve(string template);
}
