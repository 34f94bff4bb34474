using System.Text.Json.Nodes;
using MmsMpi.Tests.Support;
using NUnit.Framework;
using static MmsMpi.Tests.Support.CalTesting;

namespace MmsMpi.Tests;

/// <summary>
/// Calibration on Multi-MSs and on the fly: applycal and clearcal of an MMS under mpiexec (rank 0 + 2 workers, one job
/// per sub-MS) equal the plain MS in one process bit for bit; mstransform --docallib equals applycal followed by
/// mstransform --datacolumn corrected, bit for bit, on generated and real data.
/// </summary>
[Parallelizable(ParallelScope.None)]
public class CalibrationMmsTests
{
    /// <summary>A G table with flagged solutions and a B table for ms, in dir.</summary>
    private static List<(string Path, Table Table)> GAndB(string ms, TempDir tmp)
    {
        List<(string, Table)> tables =
        [
            (tmp["mms.G"], new Table("G", Solutions(ms, 5, 50, [0, 1, 2], Flag(4, timeIndex: 2)))),
            (tmp["mms.B"], new Table("B", Solutions(ms, 1, 51, [0, 1, 2]).Also("nchan", new JsonObject { ["0"] = 8, ["1"] = 8, ["2"] = 8 }), "linear,linearflag")),
        ];
        foreach (var (path, table) in tables) Make(ms, path, table);
        return tables;
    }

    [TestCase("scan")]
    [TestCase("spw")]
    public void ApplycalOnAnMmsUnderMpiEqualsThePlainMs(string axis)
    {
        using var tmp = new TempDir();
        var (ms, mms) = FlagMmsTests.Pair(tmp, axis);
        var tables = GAndB(ms, tmp);
        var parallel = Proc.MmsMpiUnderMpi(3, ["applycal", "--vis", mms, .. ApplyArgs(tables)]);
        Assert.That(parallel.ExitCode, Is.EqualTo(0), parallel.ToString());
        Assert.That(parallel.Stderr, Does.Contain("on 2 worker(s)"));
        var single = Run(["applycal", "--vis", ms, .. ApplyArgs(tables)]);
        AssertSameMs(ms, mms);
        Assert.That(Counts(parallel.Stdout), Is.EqualTo(Counts(single.Stdout)), "the flag statistics merged over the sub-MSs");
        Assert.That(File.ReadAllLines(mms + ".flagversions/FLAG_VERSION_LIST").Select(l => l.Split(" : ")[0]),
            Is.EqualTo(new[] { "partition_1", "applycal_1" }), "one backup, at MMS level");
    }

    [Test]
    public void ApplycalCreatesCorrectedDataInEverySubMs()
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(GeneratedData.EqualSpwsMs, "plain.ms"), mms = tmp["plain.mms"];
        Run("partition", "--vis", ms, "--outputvis", mms, "--separationaxis", "scan", "--numsubms", "3");
        var tables = GAndB(ms, tmp);
        var parallel = Proc.MmsMpiUnderMpi(3, ["applycal", "--vis", mms, .. ApplyArgs(tables)]);
        Assert.That(parallel.ExitCode, Is.EqualTo(0), parallel.ToString());
        foreach (var sub in Directory.GetDirectories(Path.Combine(mms, "SUBMSS")))
            Assert.That(Checks.Py(sub, "'CORRECTED_DATA' in t.colnames()"), Is.EqualTo("True"), sub);
        Run(["applycal", "--vis", ms, .. ApplyArgs(tables)]);
        AssertSameMs(ms, mms);
    }

    [Test]
    public void ClearcalOnAnMmsUnderMpiEqualsThePlainMs()
    {
        using var tmp = new TempDir();
        var (ms, mms) = FlagMmsTests.Pair(tmp, "spw");
        var tables = GAndB(ms, tmp);
        Run(["applycal", "--vis", ms, .. ApplyArgs(tables)]);
        Assert.That(Proc.MmsMpiUnderMpi(3, ["applycal", "--vis", mms, .. ApplyArgs(tables)]).ExitCode, Is.EqualTo(0));
        var parallel = Proc.MmsMpiUnderMpi(3, "clearcal", "--vis", mms, "--field", "1");
        Assert.That(parallel.ExitCode, Is.EqualTo(0), parallel.ToString());
        Run("clearcal", "--vis", ms, "--field", "1");
        AssertSameMs(ms, mms);
        var r = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt
            t = pt.table(sys.argv[1], ack=False)
            for d in range(3):
                for f, cleared in ((1, True), (0, False)):
                    q = t.query('DATA_DESC_ID==%d && FIELD_ID==%d' % (d, f))
                    equal = np.array_equal(q.getcol('CORRECTED_DATA'), q.getcol('DATA'))
                    assert equal == cleared, (d, f, equal)
                    # MODEL_DATA existed (the simulator's sky model): clearcal resets it too where it re-initialises
                    m = q.getcol('MODEL_DATA')
                    unit = np.all(m[:, :, [0, 3]] == 1) and np.all(m[:, :, [1, 2]] == 0)
                    assert unit == cleared, (d, f)
            print('ok')
            """, ms);
        Assert.That(r.Stdout.Trim(), Is.EqualTo("ok"), r.ToString());
    }

    [Test]
    public void ClearcalAddsModelDataAsAUnitPointSource()
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(GeneratedData.EqualSpwsMs, "plain.ms");
        var r = Run("clearcal", "--vis", ms, "--addmodel", "--field", "0");
        Assert.That(r.Stderr, Does.Contain("ignoring selection"), "new columns are initialised in every row, as CASA does");
        var check = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt
            t = pt.table(sys.argv[1], ack=False)
            for d in range(3):
                q = t.query('DATA_DESC_ID==%d' % d)
                m, c, data = q.getcol('MODEL_DATA'), q.getcol('CORRECTED_DATA'), q.getcol('DATA')
                assert np.array_equal(c, data)
                assert np.all(m[:, :, [0, 3]] == 1) and np.all(m[:, :, [1, 2]] == 0)
            print('ok')
            """, ms);
        Assert.That(check.Stdout.Trim(), Is.EqualTo("ok"), check.ToString());
    }

    /// <summary>The cal library's calibration step before averaging equals applycal, then mstransform of the corrected data.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void DocallibEqualsApplycalThenMstransform(bool mms)
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(GeneratedData.EqualSpwsMs, "in.ms"), applied = tmp["applied.ms"];
        var tables = GAndB(ms, tmp);
        File.WriteAllLines(tmp["cal.txt"],
        [
            "# the G table's field 0 solutions apply to every field; the bandpass only to field 1",
            $"caltable='{tables[0].Path}' tinterp='linear' calwt=True",
            $"caltable='{tables[1].Path}' finterp='linearflag' field='1'",
        ]);
        string input = ms;
        if (mms)
        {
            input = tmp["in.mms"];
            Run("partition", "--vis", ms, "--outputvis", input, "--separationaxis", "scan", "--numsubms", "3");
        }
        string[] average = ["--chanaverage", "--chanbin", "4", "--timeaverage", "--timebin", "20s"];
        var onTheFly = mms
            ? Proc.MmsMpiUnderMpi(3, ["mstransform", "--vis", input, "--outputvis", tmp["fly.ms"], "--docallib", "--callib", tmp["cal.txt"], .. average])
            : Proc.MmsMpi(["mstransform", "--vis", input, "--outputvis", tmp["fly.ms"], "--docallib", "--callib", tmp["cal.txt"], .. average]);
        Assert.That(onTheFly.ExitCode, Is.EqualTo(0), onTheFly.ToString());
        Assert.That(Checks.Py(input, "'CORRECTED_DATA' in t.colnames()"), Is.EqualTo("False"), "docallib writes nothing to its input");
        tmp.CopyOf(ms, "applied.ms");
        Run("applycal", "--vis", applied, "--gaintable", tables[0].Path);
        Run("applycal", "--vis", applied, "--gaintable", $"{tables[0].Path},{tables[1].Path}", "--interp", "linear", "--interp", "linear,linearflag",
            "--field", "1");
        Run(["mstransform", "--vis", applied, "--outputvis", tmp["two-step.ms"], "--datacolumn", "corrected", .. average]);
        AssertSameMs(tmp["two-step.ms"], tmp["fly.ms"]);
    }

    [Test]
    public void DocallibOnARealAlmaMs()
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(RealData.Path("mssel_test_small.ms"), "alma.ms"), applied = tmp["applied.ms"];
        int nspw = int.Parse(Checks.Py(ms + "/SPECTRAL_WINDOW", "t.nrows()"));
        var table = new Table("G", Solutions(ms, 4, 60, Enumerable.Range(0, nspw), Flag(1, timeIndex: 1)));
        Make(ms, tmp["alma.G"], table);
        File.WriteAllText(tmp["cal.txt"], $"caltable='{tmp["alma.G"]}' tinterp='nearest' calwt=T\n");
        Run("split", "--vis", ms, "--outputvis", tmp["fly.ms"], "--docallib", "--callib", tmp["cal.txt"]);
        tmp.CopyOf(ms, "applied.ms");
        Run("applycal", "--vis", applied, "--gaintable", tmp["alma.G"], "--interp", "nearest");
        Run("split", "--vis", applied, "--outputvis", tmp["two-step.ms"]);
        AssertSameMs(tmp["two-step.ms"], tmp["fly.ms"]);
    }
}
