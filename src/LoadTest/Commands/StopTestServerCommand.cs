using System.Management.Automation;
using LoadTest.Module;
using LoadTest.Server;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Stops test servers and frees their ports.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "TestServer", DefaultParameterSetName = ServerSet)]
[OutputType(typeof(TestServer))]
public sealed class StopTestServerCommand : PSCmdlet
{
    private const string ServerSet = "Server";
    private const string AllSet = "All";

    /// <summary>
    /// <para type="description">The servers to stop, as returned by Start-TestServer or Get-TestServer.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ServerSet)]
    public TestServer[] Server { get; set; } = System.Array.Empty<TestServer>();

    /// <summary>
    /// <para type="description">Stop every test server running in this session.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    /// <summary>
    /// <para type="description">Write each stopped server to the pipeline.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        foreach (TestServer server in ParameterSetName == AllSet ? TestServerRegistry.OwnedBy(SessionOwner.Current) : Server)
        {
            server.Stop();
            if (PassThru)
            {
                WriteObject(server);
            }
        }
    }
}
