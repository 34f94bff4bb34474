using NUnit.Framework;

namespace MmsMpi.Tests;

public class SmokeTests
{
    [Test]
    public void TwoPlusTwo() => Assert.That(2 + 2, Is.EqualTo(4));
}
