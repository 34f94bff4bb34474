using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// Removes the run's scratch at its end. A set-up fixture covers its own namespace only: this one is in the tests'
/// namespace (in Support it enclosed no test, and every run left its fixtures — gigabytes — in /tmp).
/// </summary>
[SetUpFixture]
public sealed class RunScratchCleanup
{
    [OneTimeTearDown]
    public void RemoveAll() => RunScratch.RemoveAll();
}
