using System.Management.Automation;
using LoadTest.Module;
using LoadTest.Parameters;
using LoadTest.Server;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Lists the test servers running in this session.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TestServer")]
[OutputType(typeof(TestServer))]
public sealed class GetTestServerCommand : PSCmdlet
{
    /// <summary>
    /// <para type="description">Only the servers with these Ids. Tab completion offers the Ids of the servers running in this session.</para>
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TestServerIdCompleter))]
    public int[]? Id { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var running = TestServerRegistry.OwnedBy(SessionOwner.Current);
        if (Id is null)
        {
            WriteObject(running, enumerateCollection: true);
            return;
        }

        foreach (int id in Id)
        {
            TestServer? match = null;
            foreach (TestServer server in running)
            {
                if (server.Id == id)
                {
                    match = server;
                    break;
                }
            }

            if (match is null)
            {
                WriteError(ErrorRecordFactory.Create(ErrorIds.TestServerNotFound, ErrorCategory.ObjectNotFound, id, $"No running test server has Id {id}."));
            }
            else
            {
                WriteObject(match);
            }
        }
    }
}
