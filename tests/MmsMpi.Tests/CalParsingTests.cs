using MmsMpi.Calibration;
using MmsMpi.Casacore;
using MmsMpi.Cli;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>applycal's list parameters paired per table as task_applycal.py does, interp strings, and the cal library file.</summary>
public class CalParsingTests
{
    [Test]
    public void PlainListsPairUpPerTableWithCasaDefaults()
    {
        var specs = CalCommands.ApplySpecs(["a.G,b.B"], null, ["nearest"], ["0,0,1"], ["False"]);
        Assert.That(specs.Select(s => s.Table), Is.EqualTo(new[] { "a.G", "b.B" }));
        Assert.That(specs.Select(s => s.Interp), Is.EqualTo(new[] { "nearest", "linear" }), "a missing interp is linear");
        Assert.That(specs[0].SpwMap, Is.EqualTo(new[] { 0, 0, 1 }));
        Assert.That(specs[1].SpwMap, Is.Null, "a missing spwmap is the identity");
        Assert.That(specs.Select(s => s.CalWt), Is.EqualTo(new[] { false, false }), "one calwt applies to every table");
        Assert.That(specs.Select(s => s.GainField), Is.EqualTo(new[] { "", "" }));
    }

    [Test]
    public void PythonListLiteralsAsCasaTakesThem()
    {
        var specs = CalCommands.ApplySpecs(["['a.G', 'b.B']"], ["['', 'nearest']"], ["['nearest,linear', 'linear,linearflag']"],
            ["[[], [0, 0]]"], ["[True, False]"]);
        Assert.That(specs.Select(s => s.Table), Is.EqualTo(new[] { "a.G", "b.B" }));
        Assert.That(specs.Select(s => s.GainField), Is.EqualTo(new[] { "", "nearest" }));
        Assert.That(specs.Select(s => s.Interp), Is.EqualTo(new[] { "nearest,linear", "linear,linearflag" }));
        Assert.That(specs[0].SpwMap, Is.Empty);
        Assert.That(specs[1].SpwMap, Is.EqualTo(new[] { 0, 0 }));
        Assert.That(specs.Select(s => s.CalWt), Is.EqualTo(new[] { true, false }));
        Assert.That(CalCommands.ApplySpecs(["a.G", "b.B"], null, null, ["[2,0]"], null)[0].SpwMap, Is.EqualTo(new[] { 2, 0 }),
            "a flat spwmap list is the first table's");
    }

    [TestCase(new[] { "a.G,b.B,c.K" }, new[] { "[True,False]" }, null, "calwt has 2 values for 3 gaintable(s)")]
    [TestCase(new[] { "a.G" }, null, new[] { "linear", "nearest" }, "interp has 2 entries for 1 gaintable(s)")]
    [TestCase(new[] { "a.G" }, new[] { "maybe" }, null, "calwt: 'maybe' must be True or False")]
    public void MismatchedListsAreRefused(string[] tables, string[]? calwt, string[]? interp, string message)
    {
        var e = Assert.Throws<UserError>(() => CalCommands.ApplySpecs(tables, null, interp, null, calwt));
        Assert.That(e!.Message, Does.Contain(message));
    }

    [TestCase("", false, false, false)]
    [TestCase("linear", false, false, false)]
    [TestCase("nearest", true, false, false)]
    [TestCase("linearflag", false, false, false)]
    [TestCase("linear,nearest", false, true, false)]
    [TestCase("nearest,linearflag", true, false, true)]
    [TestCase(" Nearest , NearestFlag ", true, true, true)]
    public void InterpStrings(string text, bool timeNearest, bool freqNearest, bool freqFlag) =>
        Assert.That(CalInterp.Parse(text), Is.EqualTo(new CalInterp(timeNearest, freqNearest, freqFlag)));

    [TestCase("cubic", "not supported")]
    [TestCase("linear,spline", "not supported")]
    [TestCase("lin", "unknown interp")]
    [TestCase("linear,linear,linear", "unknown interp")]
    public void BadInterpStrings(string text, string message) =>
        Assert.That(Assert.Throws<UserError>(() => CalInterp.Parse(text))!.Message, Does.Contain(message));

    [Test]
    public void CalLibraryLinesBecomeApplySpecs()
    {
        using var tmp = new TempDir();
        File.WriteAllLines(tmp["cal.txt"],
        [
            "# comment lines and blank lines are skipped",
            "",
            "caltable='a.G' tinterp='nearest' calwt=False spwmap=[0,0,1] field='1,0'",
            "caltable = 'a.G'  fldmap=[1] field='2'  calwt=True",
            "caltable=\"b.B\" finterp='linearflag' spw='0~1' obs='0' fldmap='nearest'",
        ]);
        using var ms = CasaTable.Open(GeneratedData.EqualSpwsMs);
        var specs = CalLibrary.Read(tmp["cal.txt"], MsCalLayout.Read(ms));
        Assert.That(specs, Has.Count.EqualTo(3));
        Assert.That(specs[0].Table, Is.EqualTo(Path.GetFullPath("a.G")));
        Assert.That((specs[0].Interp, specs[0].CalWt, specs[0].SpwMap, specs[0].MsFields), Is.EqualTo(("nearest", false, new[] { 0, 0, 1 }, new[] { 0, 1 })));
        Assert.That(specs[1].CalWt, Is.False, "a table's first entry sets calwt for all its entries (callibrary.py)");
        Assert.That((specs[1].FieldMap, specs[1].MsFields, specs[1].Interp), Is.EqualTo((new[] { 1 }, new[] { 2 }, "linear")));
        Assert.That((specs[2].Interp, specs[2].GainField, specs[2].MsSpws, specs[2].MsObservations),
            Is.EqualTo(("linear,linearflag", "nearest", new[] { 0, 1 }, new[] { 0 })));
        Assert.That(specs[2].AppliesTo(field: 5, spw: 1, observation: 0), Is.True);
        Assert.That(specs[2].AppliesTo(field: 5, spw: 2, observation: 0), Is.False);
    }

    [TestCase("caltable='a.G' intent='CALIBRATE*'", "'intent' is not supported")]
    [TestCase("caltable='a.G' tinterp=linear' x", "Problem parsing cal library line 1")]
    [TestCase("tinterp='linear'", "no caltable given")]
    [TestCase("caltable='a.G' field='NoSuchField'", "field 'NoSuchField' is not an id or a name of the MS")]
    public void BadCalLibraryLines(string line, string message)
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["cal.txt"], line + "\n");
        using var ms = CasaTable.Open(GeneratedData.EqualSpwsMs);
        var e = Assert.Throws<UserError>(() => CalLibrary.Read(tmp["cal.txt"], MsCalLayout.Read(ms)));
        Assert.That(e!.Message, Does.Contain(message));
    }
}
