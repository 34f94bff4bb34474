using MmsMpi.Heuristics;
using NUnit.Framework;

namespace MmsMpi.Tests;

public class DirectionTextTests
{
    private const double Deg = Math.PI / 180;

    [TestCase("J2000 12h30m00 +12d30m00", 187.5, 12.5)]
    [TestCase("J2000 12:30:00.0 -12.30.00", 187.5, -12.5)]
    [TestCase("j2000 187.5deg 12.5deg", 187.5, 12.5)]
    [TestCase("J2000 19h53m50.40 -28d36m20.00", 298.46, -28.6055556)]
    public void ReadsCasaDirections(string text, double raDeg, double decDeg)
    {
        var (ra, dec) = DirectionText.Parse(text);
        Assert.That(ra / Deg, Is.EqualTo(raDeg).Within(1e-6));
        Assert.That(dec / Deg, Is.EqualTo(decDeg).Within(1e-6));
    }

    [Test]
    public void ReadsRadians() => Assert.That(DirectionText.Parse("J2000 1.5rad -0.25rad"), Is.EqualTo((1.5, -0.25)));

    [TestCase("B1950 12h30m00 +12d30m00", "not supported")]
    [TestCase("J2000 12x30 +12d30m00", "cannot read the angle")]
    [TestCase("J2000 12h30m", "must be a FIELD id")]
    public void RefusesWhatItCannotRead(string text, string message) =>
        Assert.That(() => DirectionText.Parse(text), Throws.ArgumentException.With.Message.Contains(message));

    [Test]
    public void TellsFieldIdsFromDirections()
    {
        Assert.That(DirectionText.LooksLikeDirection("2"), Is.False);
        Assert.That(DirectionText.LooksLikeDirection("J2000 1rad 1rad"), Is.True);
    }
}
