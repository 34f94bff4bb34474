using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// Removes the run's scratch at its end (and puts the runs' log files in it). A set-up fixture covers its own namespace only: this one is in the tests'
/// namespace (in Support it enclosed no test, and every run left its fixtures — gigabytes — in /tmp).
/// </summary>
[SetUpFixture]
public sealed class RunScratchCleanup
{
    /// <summary>Every MmsMpi run of the tests writes its log file into the run's scratch (not the user's state directory).</summary>
    [OneTimeSetUp]
    public void LogsInScratch() => Environment.SetEnvironmentVariable("MMSMPI_LOG_DIR", RunScratch.Create("mmsmpi-logs-"));

    [OneTimeTearDown]
    public void RemoveAll() => RunScratch.RemoveAll();
}
