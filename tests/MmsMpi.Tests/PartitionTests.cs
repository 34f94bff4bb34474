using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>partition on the real MSs of ../shared/data, every axis, checked with python-casacore, taql and showtableinfo.</summary>
[Parallelizable(ParallelScope.None)]
public class PartitionTests
{
    private static readonly string[] Axes = ["auto", "scan", "spw", "baseline"];

    private static IEnumerable<TestCaseData> RealMsTimesAxis() =>
        RealData.Names.SelectMany(ms => Axes.Select(axis => new TestCaseData(ms, axis).SetName($"Partition_{ms}_{axis}")));

    private static IEnumerable<TestCaseData> GeneratedMsTimesAxis() =>
        Axes.Select(axis => new TestCaseData("generated", axis).SetName($"Partition_generated_{axis}"));

    [TestCaseSource(nameof(RealMsTimesAxis))]
    [TestCaseSource(nameof(GeneratedMsTimesAxis))]
    public void MmsReadsAsTheInputMsAndHonoursTheAxis(string msName, string axis)
    {
        using var tmp = new TempDir();
        var input = msName == "generated" ? GeneratedData.SmallMs : RealData.Path(msName);
        var mms = tmp["out.mms"];
        var r = Proc.MmsMpi("partition", "--vis", input, "--outputvis", mms, "--separationaxis", axis, "--numsubms", "3");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());

        Checks.SameRows(input, mms);
        var key = axis == "auto" ? "scan,spw" : axis;
        var mmsInfo = Checks.Mms(mms, key);
        Assert.That(mmsInfo.GetProperty("subtype").GetString(), Is.EqualTo("CONCATENATED"));
        Assert.That(mmsInfo.GetProperty("axistype").GetString(), Is.EqualTo(key));
        Assert.That(mmsInfo.GetProperty("exclusive").GetBoolean(), Is.True, $"a {key} key is in more than one sub-MS");
        var subs = mmsInfo.GetProperty("subms").EnumerateArray().ToList();
        Assert.That(subs.Select(s => s.GetProperty("name").GetString()), Is.EqualTo(subs.Select((_, i) => $"out.{i:D4}.ms")));
        Assert.That(subs.Sum(s => s.GetProperty("rows").GetInt64()), Is.EqualTo(mmsInfo.GetProperty("rows").GetInt64()));
        Assert.That(subs.Count, Is.EqualTo(Math.Min(3, mmsInfo.GetProperty("keys").GetInt32())));
        Assert.That(Checks.ShowTableInfo(mms), Does.Contain("CONCATENATED"));
        Assert.That(File.ReadAllText(Path.Combine(mms, "table.info")), Does.StartWith($"Type = Measurement Set\nSubType = CONCATENATED\n\nAxisType = {key}\n"));
    }

    [Test]
    public void MovedMmsStillOpensThroughItsRelativeLinks()
    {
        using var tmp = new TempDir();
        var input = RealData.Path("mssel_test_small.ms");
        Assert.That(Proc.MmsMpi("partition", "--vis", input, "--outputvis", tmp["a.mms"], "--numsubms", "3").ExitCode, Is.EqualTo(0));
        Directory.CreateDirectory(tmp["moved"]);
        Directory.Move(tmp["a.mms"], tmp["moved/renamed.mms"]);

        Checks.SameRows(input, tmp["moved/renamed.mms"]);
        Assert.That(Checks.TaqlRows(tmp["moved/renamed.mms"]), Is.EqualTo(1058));
        var sub1 = tmp["moved/renamed.mms/SUBMSS/a.0001.ms"];
        Assert.That(new FileInfo(Path.Combine(sub1, "POINTING")).LinkTarget, Is.EqualTo("../a.0000.ms/POINTING"));
        Assert.That(new FileInfo(Path.Combine(sub1, "SYSCAL")).LinkTarget, Is.EqualTo("../a.0000.ms/SYSCAL"));
        Assert.That(new FileInfo(Path.Combine(sub1, "ANTENNA")).LinkTarget, Is.Null, "ANTENNA is a real copy in each sub-MS");
        Assert.That(new FileInfo(tmp["moved/renamed.mms/ANTENNA"]).LinkTarget, Is.EqualTo("SUBMSS/a.0000.ms/ANTENNA"));
        Assert.That(Checks.Py(sub1, "pt.table(sys.argv[1] + '/SYSCAL', ack=False).nrows() > 0"), Is.EqualTo("True"));
    }

    /// <summary>'auto' sub-MSs come in the order of their first time, so a reader streaming the MMS meets each later than the one before.</summary>
    [Test]
    public void AutoSubMssAreInTimeOrder()
    {
        using var tmp = new TempDir();
        Assert.That(Proc.MmsMpi("partition", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["a.mms"], "--numsubms", "4", "--flagbackup", "false").ExitCode, Is.EqualTo(0));
        var first = Directory.GetDirectories(tmp["a.mms/SUBMSS"]).Order(StringComparer.Ordinal)
            .Select(m => double.Parse(Checks.Py(m, "repr(float(t.getcol('TIME').min()))"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(first, Has.Count.EqualTo(4));
        Assert.That(first, Is.Ordered.Ascending);
        Checks.SameRows(GeneratedData.SmallMs, tmp["a.mms"]);
    }

    /// <summary>
    /// The spw axis keeps the input's spw and DDI ids (the ALMA MS's data use spws 1 and 2, spw 0 has no rows), so
    /// wsclean -spws, DP3's msin.band and CASA select the same spws on the MMS as on the MS.
    /// </summary>
    [Test]
    public void SpwAxisKeepsTheInputsSpwIds()
    {
        using var tmp = new TempDir();
        var input = RealData.Path("mssel_test_small.ms");
        Assert.That(Proc.MmsMpi("partition", "--vis", input, "--outputvis", tmp["s.mms"], "--separationaxis", "spw").ExitCode, Is.EqualTo(0));
        foreach (var (sub, ddi) in new[] { ("s.0000.ms", "[1]"), ("s.0001.ms", "[2]") })
        {
            var path = tmp[$"s.mms/SUBMSS/{sub}"];
            Assert.That(Checks.Py(path, "list(pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcol('NUM_CHAN'))"), Is.EqualTo("[4, 64, 1]"));
            Assert.That(Checks.Py(path, "list(pt.table(sys.argv[1] + '/DATA_DESCRIPTION', ack=False).getcol('SPECTRAL_WINDOW_ID'))"), Is.EqualTo("[0, 1, 2]"));
            Assert.That(Checks.Py(path, "sorted(set(t.getcol('DATA_DESC_ID')))"), Is.EqualTo(ddi));
        }
        Assert.That(Checks.Py(tmp["s.mms"], "sorted(set(t.getcol('DATA_DESC_ID')))"), Is.EqualTo("[1, 2]"), "the MMS reads as the MS: the same ids");
        Checks.SameRows(input, tmp["s.mms"]);
    }

    /// <summary>A spw selection on the spw axis makes the ids dense, every sub-MS seeing all selected spws (CASA's split).</summary>
    [Test]
    public void SpwAxisWithASpwSelectionConsolidatesDenseIds()
    {
        using var tmp = new TempDir();
        var input = RealData.Path("mssel_test_small.ms");
        Assert.That(Proc.MmsMpi("partition", "--vis", input, "--outputvis", tmp["s.mms"], "--separationaxis", "spw", "--spw", "1,2").ExitCode, Is.EqualTo(0));
        // DDIs 1 and 2 (spws 1 and 2) become globally unique 0 and 1; each sub-MS sees both spws, with their channel counts.
        foreach (var sub in new[] { "s.0000.ms", "s.0001.ms" })
        {
            var path = tmp[$"s.mms/SUBMSS/{sub}"];
            Assert.That(Checks.Py(path, "list(pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcol('NUM_CHAN'))"), Is.EqualTo("[64, 1]"));
            Assert.That(Checks.Py(path, "list(pt.table(sys.argv[1] + '/DATA_DESCRIPTION', ack=False).getcol('SPECTRAL_WINDOW_ID'))"), Is.EqualTo("[0, 1]"));
        }
        Assert.That(Checks.Py(tmp["s.mms/SUBMSS/s.0001.ms"], "sorted(set(t.getcol('DATA_DESC_ID')))"), Is.EqualTo("[1]"));
        Checks.SameRows(input, tmp["s.mms"]);
    }

    [Test]
    public void ChannelAndCorrelationSelectionSliceTheDataAndTheSubtables()
    {
        using var tmp = new TempDir();
        var input = RealData.Path("day2_TDEM0003_10s_norx_1src_1spw.ms");
        var r = Proc.MmsMpi("partition", "--vis", input, "--outputvis", tmp["c.mms"], "--spw", "0:10~19", "--correlation", "RR,LL", "--separationaxis", "baseline");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var mms = tmp["c.mms"];
        Assert.That(Checks.Py(mms, "pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcol('NUM_CHAN')[0]"), Is.EqualTo("10"));
        Assert.That(Checks.Py(mms, "pt.table(sys.argv[1] + '/POLARIZATION', ack=False).getcol('NUM_CORR')[0]"), Is.EqualTo("2"));
        // Values: the output's DATA equals input DATA[:, 10:20, [0, 3]] row for row, and the frequencies are the input's channels 10..19.
        var py = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt
            a = pt.table(sys.argv[1], ack=False); b = pt.table(sys.argv[2], ack=False)
            ka = np.lexsort((a.getcol('ANTENNA2'), a.getcol('ANTENNA1'), a.getcol('TIME')))
            kb = np.lexsort((b.getcol('ANTENNA2'), b.getcol('ANTENNA1'), b.getcol('TIME')))
            da = a.getcol('DATA')[ka][:, 10:20, :][:, :, [0, 3]]; db = b.getcol('DATA')[kb]
            fa = pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcell('CHAN_FREQ', 0)[10:20]
            fb = pt.table(sys.argv[2] + '/SPECTRAL_WINDOW', ack=False).getcell('CHAN_FREQ', 0)
            print(np.array_equal(da, db) and np.array_equal(fa, fb))
            """.Replace("            ", ""), input, mms);
        Assert.That(py.Stdout.Trim(), Is.EqualTo("True"), py.ToString());
    }

    [Test]
    public void ScanAndFieldSelectionKeepOnlyThoseRows()
    {
        using var tmp = new TempDir();
        var input = RealData.Path("mssel_test_small.ms");
        var r = Proc.MmsMpi("partition", "--vis", input, "--outputvis", tmp["sel.mms"], "--scan", "3", "--separationaxis", "scan");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Checks.SameRows(input, tmp["sel.mms"], "SCAN_NUMBER==3");
    }

    [Test]
    public void CreateMmsFalseWritesAPlainMsOfTheSelection()
    {
        using var tmp = new TempDir();
        var input = RealData.Path("mssel_test_small.ms");
        var r = Proc.MmsMpi("partition", "--vis", input, "--outputvis", tmp["plain.ms"], "--createmms", "false", "--scan", "1");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(Directory.Exists(tmp["plain.ms/SUBMSS"]), Is.False);
        Assert.That(Checks.Py(tmp["plain.ms"], "repr(t.info()['subType'])"), Is.EqualTo("''"));
        Checks.SameRows(input, tmp["plain.ms"], "SCAN_NUMBER==1");
    }

    [Test]
    public void DatacolumnDataDropsTheOtherVisibilityColumnsAndFlagBackupIsSaved()
    {
        using var tmp = new TempDir();
        var input = RealData.Path("tNDPPP-generic.MS");
        var r = Proc.MmsMpi("partition", "--vis", input, "--outputvis", tmp["d.mms"], "--datacolumn", "data");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(Checks.Py(tmp["d.mms"], "'CORRECTED_DATA' in t.colnames(), 'DATA' in t.colnames()"), Is.EqualTo("False True"));
        Assert.That(File.ReadAllText(tmp["d.mms.flagversions/FLAG_VERSION_LIST"]), Does.StartWith("partition_1 : "));
        Assert.That(Checks.Py(tmp["d.mms.flagversions/flags.partition_1"], "t.nrows() == pt.table(sys.argv[1].replace('.flagversions/flags.partition_1', ''), ack=False).nrows()"), Is.EqualTo("True"));
    }

    [Test]
    public void DatacolumnCorrectedBecomesData()
    {
        using var tmp = new TempDir();
        var input = RealData.Path("tNDPPP-generic.MS");
        var r = Proc.MmsMpi("partition", "--vis", input, "--outputvis", tmp["c.ms"], "--createmms", "false", "--datacolumn", "corrected");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var py = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt
            a = pt.table(sys.argv[1], ack=False); b = pt.table(sys.argv[2], ack=False)
            print(np.array_equal(a.getcol('CORRECTED_DATA'), b.getcol('DATA')), 'CORRECTED_DATA' in b.colnames())
            """.Replace("            ", ""), input, tmp["c.ms"]);
        Assert.That(py.Stdout.Trim(), Is.EqualTo("True False"), py.ToString());
    }
}
