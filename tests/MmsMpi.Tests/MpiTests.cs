using System.Text;
using MmsMpi.Mpi;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// The MPI binding without mpiexec. MPI can be initialised only once per process, so everything that needs it runs in
/// one test, as an Open MPI singleton job (size 1, ~0.3 s to start); multi-rank behaviour is checked under mpiexec.
/// </summary>
[NonParallelizable]
public class MpiTests
{
    private static readonly string[] LauncherVariables = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK"];

    [Test]
    public void NotLaunchedByMpiexecInAPlainEnvironment()
    {
        Assume.That(LauncherVariables.All(v => Environment.GetEnvironmentVariable(v) is null), "the test runner itself runs under mpiexec");
        Assert.That(MpiBackend.LaunchedByMpiexec, Is.False);
    }

    /// <summary>The binding follows the launcher (Open MPI's variables or PMIx → our shim, MPICH's PMI → MPI.NET); MMSMPI_MPI overrides.</summary>
    [TestCase(null, "OMPI_COMM_WORLD_SIZE", ExpectedResult = MpiFamily.OpenMpi)]
    [TestCase(null, "PMIX_RANK", ExpectedResult = MpiFamily.OpenMpi)]
    [TestCase(null, "PMI_RANK", ExpectedResult = MpiFamily.Mpich)]
    [TestCase(null, "PMI_SIZE", ExpectedResult = MpiFamily.Mpich)]
    [TestCase("openmpi", "PMI_RANK", ExpectedResult = MpiFamily.OpenMpi)]
    [TestCase("mpich", "OMPI_COMM_WORLD_SIZE", ExpectedResult = MpiFamily.Mpich)]
    public MpiFamily FamilyFollowsTheLauncher(string? overrideValue, string launcherVariable)
    {
        Assume.That(LauncherVariables.All(v => Environment.GetEnvironmentVariable(v) is null), "the test runner itself runs under mpiexec");
        string? before = Environment.GetEnvironmentVariable("MMSMPI_MPI");
        try
        {
            Environment.SetEnvironmentVariable("MMSMPI_MPI", overrideValue);
            Environment.SetEnvironmentVariable(launcherVariable, "2");
            Assert.That(MpiBackend.LaunchedByMpiexec, Is.True);
            return MpiBackend.Family;
        }
        finally
        {
            Environment.SetEnvironmentVariable(launcherVariable, null);
            Environment.SetEnvironmentVariable("MMSMPI_MPI", before);
        }
    }

    [Test]
    public void AnUnknownMpiIsNamed()
    {
        string? before = Environment.GetEnvironmentVariable("MMSMPI_MPI");
        try
        {
            Environment.SetEnvironmentVariable("MMSMPI_MPI", "lam");
            Assert.That(() => MpiBackend.Family, Throws.InstanceOf<MpiException>().With.Message.Contains("MMSMPI_MPI=lam"));
        }
        finally { Environment.SetEnvironmentVariable("MMSMPI_MPI", before); }
    }

    [Test]
    public void SingletonJob()
    {
        Assume.That(!MpiBackend.LaunchedByMpiexec, "needs Open MPI's singleton mode");
        var comm = MpiComm.Init();
        try
        {
            using (Assert.EnterMultipleScope())
            {
                Assert.That((comm.Rank, comm.Size), Is.EqualTo((0, 1)));
                Assert.That(comm.ProcessorName, Is.Not.Empty);
                double t0 = comm.Wtime();
                Thread.Sleep(20);
                Assert.That(comm.Wtime() - t0, Is.InRange(0.015, 5));
                Assert.That(() => MpiComm.Init(), Throws.InvalidOperationException.With.Message.Contains("already initialised"));
            }
            PointToPointToSelf(comm);
            Collectives(comm);
            ErrorsAreExceptions(comm);
        }
        finally
        {
            comm.Dispose();
        }
        Assert.That(() => comm.Barrier(), Throws.InstanceOf<ObjectDisposedException>());
        Assert.That(() => MpiComm.Init(), Throws.InvalidOperationException.With.Message.Contains("finalised"));
    }

    private static void PointToPointToSelf(MpiComm comm)
    {
        Assert.That(comm.Probe(MpiComm.Any, MpiComm.Any, out _, out _, out _), Is.False, "nothing pending yet");
        // Sending to oneself returns only if MPI buffers the message: Open MPI does so up to ~1000 bytes (btl_self_eager_limit).
        var payload = Enumerable.Range(0, 500).Select(i => (byte)i).ToArray();
        comm.Send(payload, 0, 42);
        comm.Send([], 0, 43);

        Assert.That(comm.Probe(0, 42, out int from, out int tag, out long length), Is.True);
        Assert.That((from, tag, length), Is.EqualTo((0, 42, 500L)));
        Assert.That(comm.Receive(MpiComm.Any, MpiComm.Any, out from, out tag), Is.EqualTo(payload));
        Assert.That((from, tag), Is.EqualTo((0, 42)));

        var buffer = new byte[16];
        Assert.That(comm.Receive(buffer, 0, 43, out _, out tag), Is.Zero);
        Assert.That(tag, Is.EqualTo(43));
    }

    private static void Collectives(MpiComm comm)
    {
        comm.Barrier();
        var buffer = new byte[] { 1, 2, 3 };
        comm.Broadcast(buffer, 0);
        Assert.That(buffer, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(Encoding.UTF8.GetString(comm.BroadcastArray("plan"u8.ToArray(), 0)), Is.EqualTo("plan"));
    }

    private static void ErrorsAreExceptions(MpiComm comm)
    {
        Assert.That(() => comm.Send([1], 5, 0), Throws.InstanceOf<MpiException>().With.Message.Contains("MPI_Send failed").And.Message.Contains("rank"));

        comm.Send(new byte[100], 0, 7);
        Assert.That(() => comm.Receive(new byte[10], 0, 7, out _, out _), Throws.InstanceOf<MpiException>().With.Message.Contains("100 bytes"));
        Assert.That(comm.Receive(0, 7, out _, out _), Has.Length.EqualTo(100), "a message too long for the buffer stays pending");

        Exception? fromOtherThread = null;
        var thread = new Thread(() => fromOtherThread = Record(comm.Barrier));
        thread.Start();
        thread.Join();
        Assert.That(fromOtherThread, Is.InstanceOf<InvalidOperationException>().With.Message.Contains("FUNNELED"));
    }

    private static Exception? Record(Action action)
    {
        try { action(); return null; }
        catch (Exception e) { return e; }
    }
}
