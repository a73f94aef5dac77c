namespace LoadTest.Engine.Checks;

/// <summary>The context of a run without variables: every text is taken as it is written.</summary>
internal sealed class IdentityCheckContext : ICheckContext
{
    public static readonly IdentityCheckContext Instance = new();

    private IdentityCheckContext()
    {
    }

    public string Resolve(string template) => template;
}
