using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>mstransform, split and hanningsmooth: numbers against numpy (tests/tools/expect_transform.py), MMS in parallel
/// against the same data as a plain MS in one process, CASA's fallbacks and errors.</summary>
[Parallelizable(ParallelScope.None)]
public class TransformTests
{
    private static string Vla => RealData.Path("day2_TDEM0003_10s_norx_1src_1spw.ms");

    private static void Expect(string mode, string input, string output, string arg = "")
    {
        var r = Proc.Run("/usr/bin/python3", [Repo.Tool("expect_transform.py"), mode, input, output, .. arg == "" ? Array.Empty<string>() : [arg]]);
        Assert.That(r.Stdout.Trim(), Is.EqualTo("OK"), r.ToString());
    }

    private static void Ok(ProcResult r) => Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());

    [Test]
    public void ChannelAverageMatchesNumpyAndRewritesTheSpectralWindow()
    {
        using var tmp = new TempDir();
        Ok(Proc.MmsMpi("mstransform", "--vis", Vla, "--outputvis", tmp["c.ms"], "--datacolumn", "data", "--chanaverage", "--chanbin", "4"));
        Expect("chanavg", Vla, tmp["c.ms"], "4");
        // No flags: WEIGHT_SPECTRUM_out = sum over the 4 channels of a bin, WEIGHT_out = its mean over channels.
        var py = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt
            ws = pt.table(sys.argv[1], ack=False).getcol('WEIGHT_SPECTRUM'); out = pt.table(sys.argv[2], ack=False)
            expect = ws.reshape(ws.shape[0], 16, 4, ws.shape[2]).sum(2)
            print(np.allclose(out.getcol('WEIGHT_SPECTRUM'), expect, rtol=1e-6) and np.allclose(out.getcol('WEIGHT'), expect.mean(1), rtol=1e-6))
            """.Replace("            ", ""), Vla, tmp["c.ms"]);
        Assert.That(py.Stdout.Trim(), Is.EqualTo("True"), py.ToString());
    }

    [Test]
    public void FloatDataIsAveragedAsRealValues()
    {
        using var tmp = new TempDir();
        // A single-dish-like column: FLOAT_DATA = real part of DATA, added to a copy of the VLA MS.
        Assert.That(Proc.Run("cp", ["-r", Vla, tmp["sd.ms"]]).ExitCode, Is.EqualTo(0));
        var add = Proc.Python("""
            import sys
            from casacore import tables as pt
            t = pt.table(sys.argv[1], readonly=False, ack=False)
            t.addcols(pt.makearrcoldesc('FLOAT_DATA', 0.0, ndim=2, valuetype='float'))
            t.putcol('FLOAT_DATA', t.getcol('DATA').real.astype('float32'))
            """.Replace("            ", ""), tmp["sd.ms"]);
        Assert.That(add.ExitCode, Is.EqualTo(0), add.ToString());
        Ok(Proc.MmsMpi("mstransform", "--vis", tmp["sd.ms"], "--outputvis", tmp["sd4.ms"], "--datacolumn", "float_data", "--chanaverage", "--chanbin", "4"));
        Ok(Proc.MmsMpi("mstransform", "--vis", tmp["sd.ms"], "--outputvis", tmp["c4.ms"], "--datacolumn", "data", "--chanaverage", "--chanbin", "4"));
        var py = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt
            f, c = pt.table(sys.argv[1], ack=False), pt.table(sys.argv[2], ack=False)
            print(f.getcol('FLOAT_DATA').dtype, 'DATA' in f.colnames(), np.allclose(f.getcol('FLOAT_DATA'), c.getcol('DATA').real, rtol=1e-5, atol=1e-8))
            """.Replace("            ", ""), tmp["sd4.ms"], tmp["c4.ms"]);
        Assert.That(py.Stdout.Trim(), Is.EqualTo("float32 False True"), py.ToString());
    }

    [Test]
    public void HanningMatchesNumpyAndKeepsTheSpectralWindow()
    {
        using var tmp = new TempDir();
        Ok(Proc.MmsMpi("hanningsmooth", "--vis", Vla, "--outputvis", tmp["h.ms"], "--datacolumn", "corrected"));  // falls back to DATA
        Expect("hanning", Vla, tmp["h.ms"]);
        Assert.That(Checks.Py(tmp["h.ms"], "pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcell('NUM_CHAN', 0)"), Is.EqualTo("64"));
    }

    [Test]
    public void SplitTimeAverageMatchesNumpy()
    {
        using var tmp = new TempDir();
        Ok(Proc.MmsMpi("split", "--vis", Vla, "--outputvis", tmp["t.ms"], "--datacolumn", "data", "--timebin", "20s"));
        Expect("timeavg", Vla, tmp["t.ms"], "20");
    }

    [Test]
    public void RegridToLsrkUsesCasacoresFrameConversionAtTheFirstTime()
    {
        using var tmp = new TempDir();
        Ok(Proc.MmsMpi("mstransform", "--vis", Vla, "--outputvis", tmp["r.ms"], "--datacolumn", "data", "--regridms", "--outframe", "LSRK"));
        // The output grid is the input's channel centres converted TOPO -> LSRK by casacore's measures at the first
        // row's time, towards field 0, at the VLA; the frame code is LSRK (1); the reference-epoch row is unchanged.
        var py = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt, measures, quanta as qa
            a, b = sys.argv[1], sys.argv[2]
            me = measures.measures()
            t = pt.table(a, ack=False); t0 = t.getcol('TIME').min()
            d = pt.table(a + '/FIELD', ack=False).getcell('PHASE_DIR', 0)[0]
            me.doframe(me.observatory('VLA')); me.doframe(me.epoch('UTC', qa.quantity(t0, 's')))
            me.doframe(me.direction('J2000', qa.quantity(d[0], 'rad'), qa.quantity(d[1], 'rad')))
            f = pt.table(a + '/SPECTRAL_WINDOW', ack=False).getcell('CHAN_FREQ', 0)
            expect = np.array([me.measure(me.frequency('TOPO', qa.quantity(x, 'Hz')), 'LSRK')['m0']['value'] for x in f])
            sb = pt.table(b + '/SPECTRAL_WINDOW', ack=False)
            got = sb.getcell('CHAN_FREQ', 0)
            print(np.abs(got - expect).max() < 1.0, sb.getcell('MEAS_FREQ_REF', 0) == 1, abs(got[0] - f[0]) > 1e5)
            """.Replace("            ", ""), Vla, tmp["r.ms"]);
        Assert.That(py.Stdout.Trim(), Is.EqualTo("True True True"), py.ToString());
    }

    [TestCase(false)]
    [TestCase(true)]
    public void RegridToFourTimesWiderChannelsInTheSameFrameEqualsChannelAveraging(bool preaverage)
    {
        using var tmp = new TempDir();
        // TOPO → TOPO and 4× wider channels: the tclean-like mapping samples exactly the input channel centres and
        // preaverage box-averages them, so both must give channel averaging by 4 (the VLA set has no flags).
        string[] extra = preaverage ? ["--preaverage"] : [];
        Ok(Proc.MmsMpi(["mstransform", "--vis", Vla, "--outputvis", tmp["r.ms"], "--datacolumn", "data", "--regridms", "--mode", "channel", "--width", "4", .. extra]));
        Expect("chanavg", Vla, tmp["r.ms"], "4");
    }

    /// <summary>
    /// ALMA's spw 1 descends in frequency (a lower sideband). Its constant weights, interpolated onto the LSRK grid,
    /// stay those weights: linear and nearest interpolate pairs of correlations' weights as one complex value, and that
    /// path once reversed the descending channels over twice the cell and wrote zero weights.
    /// </summary>
    [TestCase("linear")]
    [TestCase("nearest")]
    [TestCase("cubic")]
    public void RegridOfADescendingSpwCarriesItsWeights(string interpolation)
    {
        using var tmp = new TempDir();
        var alma = RealData.Path("mssel_test_small.ms");
        Ok(Proc.MmsMpi("mstransform", "--vis", alma, "--outputvis", tmp["r.ms"], "--datacolumn", "data", "--spw", "1", "--regridms",
            "--outframe", "LSRK", "--interpolation", interpolation, "--usewtspectrum"));
        var py = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt
            a = pt.table(sys.argv[1], ack=False).query('DATA_DESC_ID == 1'); b = pt.table(sys.argv[2], ack=False)
            f = pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcell('CHAN_FREQ', 1)
            w, ws = b.getcol('WEIGHT'), b.getcol('WEIGHT_SPECTRUM')
            print(f[-1] < f[0], w.min() > 0, np.array_equal(w, a.getcol('WEIGHT')), np.allclose(ws, w[:, None, :], rtol=1e-6))
            """.Replace("            ", ""), alma, tmp["r.ms"]);
        Assert.That(py.Stdout.Trim(), Is.EqualTo("True True True True"), py.ToString());
    }

    [Test]
    public void FftshiftRegridKeepsTheGridAndGivesFiniteData()
    {
        using var tmp = new TempDir();
        string[] regrid = ["--datacolumn", "data", "--regridms", "--outframe", "LSRK"];
        Ok(Proc.MmsMpi(["mstransform", "--vis", Vla, "--outputvis", tmp["lin.ms"], .. regrid]));
        Ok(Proc.MmsMpi(["mstransform", "--vis", Vla, "--outputvis", tmp["fft.ms"], "--interpolation", "fftshift", .. regrid]));
        var py = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt
            a, b = sys.argv[1], sys.argv[2]
            fa = pt.table(a + '/SPECTRAL_WINDOW', ack=False).getcell('CHAN_FREQ', 0); fb = pt.table(b + '/SPECTRAL_WINDOW', ack=False).getcell('CHAN_FREQ', 0)
            d = pt.table(b, ack=False).getcol('DATA'); f = pt.table(b, ack=False).getcol('FLAG')
            print(np.array_equal(fa, fb), bool(np.isfinite(d).all()), 0 < f.mean() < 0.1)
            """.Replace("            ", ""), tmp["lin.ms"], tmp["fft.ms"]);
        Assert.That(py.Stdout.Trim(), Is.EqualTo("True True True"), py.ToString());
    }

    [Test]
    public void PhasecenterAsADirectionEqualsThatFieldsId()
    {
        using var tmp = new TempDir();
        var dir = Checks.Py(Vla, "'J2000 %.12fdeg %.12fdeg' % tuple(x * 180 / 3.141592653589793 for x in pt.table(sys.argv[1] + '/FIELD', ack=False).getcell('PHASE_DIR', 0)[0])");
        string[] regrid = ["--datacolumn", "data", "--regridms", "--outframe", "BARY"];
        Ok(Proc.MmsMpi(["mstransform", "--vis", Vla, "--outputvis", tmp["id.ms"], "--phasecenter", "0", .. regrid]));
        Ok(Proc.MmsMpi(["mstransform", "--vis", Vla, "--outputvis", tmp["dir.ms"], "--phasecenter", dir, .. regrid]));
        Checks.SameRows(tmp["id.ms"], tmp["dir.ms"]);
        var bad = Proc.MmsMpi(["mstransform", "--vis", Vla, "--outputvis", tmp["bad.ms"], "--phasecenter", "B1950 1rad 1rad", .. regrid]);
        Assert.That(bad.Stderr, Does.Contain("ERROR: phasecenter frame 'B1950' is not supported"));
    }

    [Test]
    public void RegridWidthSmallerThanTheInputIsRefused()
    {
        using var tmp = new TempDir();
        var r = Proc.MmsMpi("mstransform", "--vis", Vla, "--outputvis", tmp["r.ms"], "--datacolumn", "data", "--regridms", "--mode", "frequency", "--width", "1kHz");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Stderr, Does.Contain("ERROR: regridding spw 0"));
        Assert.That(Directory.GetFileSystemEntries(tmp.Path), Is.Empty);
    }

    private static IEnumerable<TestCaseData> Transforms()
    {
        yield return new TestCaseData((object)new[] { "--chanaverage", "--chanbin", "4" }).SetName("Mms_chanaverage");
        yield return new TestCaseData((object)new[] { "--timeaverage", "--timebin", "20s" }).SetName("Mms_timeaverage");
        yield return new TestCaseData((object)new[] { "--hanning" }).SetName("Mms_hanning");
        yield return new TestCaseData((object)new[] { "--timeaverage", "--timebin", "30s", "--chanaverage", "--chanbin", "2,4,8", "--hanning", "--keepflags", "false" }).SetName("Mms_all_three");
        yield return new TestCaseData((object)new[] { "--chanaverage", "--chanbin", "2", "--spw", "0,2", "--scan", "2~4" }).SetName("Mms_selection");
        yield return new TestCaseData((object)new[] { "--regridms", "--outframe", "LSRK", "--mode", "channel", "--width", "2" }).SetName("Mms_regrid_lsrk");
    }

    [TestCaseSource(nameof(Transforms))]
    public void MmsInParallelEqualsThePlainMsInOneProcess(string[] transform)
    {
        using var tmp = new TempDir();
        var ms = GeneratedData.SmallMs;
        Ok(Proc.MmsMpi("partition", "--vis", ms, "--outputvis", tmp["in.mms"], "--numsubms", "4", "--flagbackup", "false"));
        var parallel = Proc.MmsMpiUnderMpi(3, ["mstransform", "--vis", tmp["in.mms"], "--outputvis", tmp["out.mms"], "--datacolumn", "all", .. transform]);
        Ok(parallel);
        Assert.That(parallel.Stderr, Does.Contain("transforming 4 sub-MSs in parallel"));
        Ok(Proc.MmsMpi(["mstransform", "--vis", ms, "--outputvis", tmp["out.ms"], "--datacolumn", "all", .. transform]));

        Checks.SameRows(tmp["out.ms"], tmp["out.mms"]);
        var info = Checks.Mms(tmp["out.mms"], "scan,spw");
        Assert.That(info.GetProperty("axistype").GetString(), Is.EqualTo("scan,spw"));
        var listing = Proc.MmsMpi("listpartition", "--vis", tmp["out.mms"]);
        Ok(listing);
        Assert.That(listing.Stdout, Does.Contain("separation axis = scan,spw").And.Contain("out.0000.ms"));
    }

    [Test]
    public void TimespanScanOnAScanMmsFallsBackToMonolithicAndRepartitionsBySpw()
    {
        using var tmp = new TempDir();
        var ms = GeneratedData.SmallMs;
        Ok(Proc.MmsMpi("partition", "--vis", ms, "--outputvis", tmp["in.mms"], "--separationaxis", "scan", "--numsubms", "3", "--flagbackup", "false"));
        string[] t = ["--datacolumn", "data", "--timeaverage", "--timebin", "100s", "--timespan", "scan"];
        var r = Proc.MmsMpi(["mstransform", "--vis", tmp["in.mms"], "--outputvis", tmp["out.mms"], .. t]);
        Ok(r);
        Assert.That(r.Stderr, Does.Contain("Cannot process MMS in parallel when timespan='scan'").And.Contain("separation axis 'spw'"));
        Ok(Proc.MmsMpi(["mstransform", "--vis", ms, "--outputvis", tmp["out.ms"], .. t]));
        Checks.SameRows(tmp["out.ms"], tmp["out.mms"]);
        Assert.That(Checks.Mms(tmp["out.mms"], "spw").GetProperty("axistype").GetString(), Is.EqualTo("spw"));
    }

    [Test]
    public void SplitRefusesToAverageAcrossScansOfAScanMms()
    {
        using var tmp = new TempDir();
        Ok(Proc.MmsMpi("partition", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["in.mms"], "--separationaxis", "scan", "--flagbackup", "false"));
        var r = Proc.MmsMpi("split", "--vis", tmp["in.mms"], "--outputvis", tmp["out.mms"], "--timebin", "100s", "--combine", "scan", "--datacolumn", "data");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("Please set keepmms to False").And.Contain("Unable to continue with MMS processing"));
        Assert.That(Directory.Exists(tmp["out.mms"]), Is.False);
        Ok(Proc.MmsMpi("split", "--vis", tmp["in.mms"], "--outputvis", tmp["out.ms"], "--timebin", "100s", "--combine", "scan", "--datacolumn", "data", "--keepmms", "false"));
        Assert.That(Directory.Exists(tmp["out.ms/SUBMSS"]), Is.False, "keepmms=false writes a plain MS");
    }

    /// <summary>
    /// A plain MS from an MMS: split --keepmms false gives an MS with no MMS label (no SubType CONCATENATED, no
    /// concatenation readme, no SUBMSS) holding every row; a casacore deep copy of the MMS keeps the label.
    /// </summary>
    [Test]
    public void SplitKeepMmsFalseMakesAPlainMsOfAnMms()
    {
        using var tmp = new TempDir();
        Ok(Proc.MmsMpi("partition", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["in.mms"], "--flagbackup", "false"));
        Ok(Proc.MmsMpi("split", "--vis", tmp["in.mms"], "--outputvis", tmp["plain.ms"], "--datacolumn", "all", "--keepmms", "false"));
        Assert.That(Checks.Py(tmp["plain.ms"], "t.info()['subType'] == '' and 'concatenation' not in t.info()['readme'] and t.nrows()"),
            Is.EqualTo(Checks.Py(tmp["in.mms"], "t.nrows()")));
        Assert.That(Directory.Exists(tmp["plain.ms/SUBMSS"]), Is.False);
        Checks.SameRows(GeneratedData.SmallMs, tmp["plain.ms"]);
        var deep = Proc.Python("import sys; from casacore import tables as pt; pt.table(sys.argv[1], ack=False).copy(sys.argv[2], deep=True); print(pt.table(sys.argv[2], ack=False).info()['subType'])",
            tmp["in.mms"], tmp["deep.ms"]);
        Assert.That(deep.Stdout.Trim(), Is.EqualTo("CONCATENATED"), "why the README says to use split: " + deep);
    }

    [Test]
    public void CreateMmsPartitionsThenTransforms()
    {
        using var tmp = new TempDir();
        var ms = GeneratedData.SmallMs;
        Ok(Proc.MmsMpi("mstransform", "--vis", ms, "--outputvis", tmp["out.mms"], "--datacolumn", "data", "--chanaverage", "--chanbin", "2",
            "--createmms", "--separationaxis", "spw"));
        Ok(Proc.MmsMpi("mstransform", "--vis", ms, "--outputvis", tmp["out.ms"], "--datacolumn", "data", "--chanaverage", "--chanbin", "2"));
        Checks.SameRows(tmp["out.ms"], tmp["out.mms"]);
        Assert.That(Checks.Mms(tmp["out.mms"], "spw").GetProperty("exclusive").GetBoolean(), Is.True);
    }

    [Test]
    public void CombineSpwsOnAnAutoMmsFallsBackAndEqualsThePlainMs()
    {
        using var tmp = new TempDir();
        var ms = GeneratedData.EqualSpwsMs;
        Ok(Proc.MmsMpi("partition", "--vis", ms, "--outputvis", tmp["in.mms"], "--numsubms", "4", "--flagbackup", "false"));
        var r = Proc.MmsMpiUnderMpi(3, "mstransform", "--vis", tmp["in.mms"], "--outputvis", tmp["out.mms"], "--datacolumn", "data", "--combinespws");
        Ok(r);
        Assert.That(r.Stderr, Does.Contain("Cannot combine or separate spws in parallel").And.Contain("separation axis 'scan'"));
        Ok(Proc.MmsMpi("mstransform", "--vis", ms, "--outputvis", tmp["out.ms"], "--datacolumn", "data", "--combinespws"));
        Checks.SameRows(tmp["out.ms"], tmp["out.mms"]);
        // One spw of 48 channels made of the three, one DDI; rows are a third of the input's.
        Assert.That(Checks.Py(tmp["out.ms"], "list(pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcol('NUM_CHAN')), sorted(set(t.getcol('DATA_DESC_ID'))), t.getcell('DATA', 0).shape"),
            Is.EqualTo("[48] [0] (48, 4)"));
        Assert.That(Checks.TaqlRows(tmp["out.ms"]) * 3, Is.EqualTo(Checks.TaqlRows(ms)));
        // The combined data are the input spws' data side by side (non-overlapping spws: fractions 1); flagged
        // contributions give flagged zeros, so unflagged channels are compared.
        var py = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt
            a, b = pt.table(sys.argv[1], ack=False), pt.table(sys.argv[2], ack=False)
            f = pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcol('CHAN_FREQ')[:, 0]
            order = np.argsort(f)
            t0, a1, a2 = b.getcell('TIME', 5), b.getcell('ANTENNA1', 5), b.getcell('ANTENNA2', 5)
            rows = a.query(f'TIME=={t0!r} AND ANTENNA1=={a1} AND ANTENNA2=={a2}')
            cells = {int(rows.getcell('DATA_DESC_ID', i)): rows.getcell('DATA', i) for i in range(rows.nrows())}
            expect = np.concatenate([cells[int(s)] for s in order])
            good = ~b.getcell('FLAG', 5)
            print(good.sum() > 0 and np.allclose(expect[good], b.getcell('DATA', 5)[good], rtol=1e-6, atol=1e-7))
            """.Replace("            ", ""), ms, tmp["out.ms"]);
        Assert.That(py.Stdout.Trim(), Is.EqualTo("True"), py.ToString());
    }

    [Test]
    public void NspwTwoCutsTheCombinedSpwInHalvesWithMultiplexedSubtables()
    {
        using var tmp = new TempDir();
        var ms = GeneratedData.EqualSpwsMs;
        Ok(Proc.MmsMpi("mstransform", "--vis", ms, "--outputvis", tmp["one.ms"], "--datacolumn", "data", "--combinespws"));
        Ok(Proc.MmsMpi("mstransform", "--vis", ms, "--outputvis", tmp["two.ms"], "--datacolumn", "data", "--nspw", "2"));
        Assert.That(Checks.Py(tmp["two.ms"], "list(pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcol('NUM_CHAN')), list(pt.table(sys.argv[1] + '/DATA_DESCRIPTION', ack=False).getcol('SPECTRAL_WINDOW_ID')), sorted(set(t.getcol('DATA_DESC_ID')))"),
            Is.EqualTo("[24, 24] [0, 1] [0, 1]"));
        // Each combined row becomes two: its channels 0-23 in spw 0 and 24-47 in spw 1, frequencies included.
        var py = Proc.Python("""
            import sys, numpy as np
            from casacore import tables as pt
            one, two = pt.table(sys.argv[1], ack=False), pt.table(sys.argv[2], ack=False)
            key = lambda t, r: (t.getcell('TIME', r), t.getcell('ANTENNA1', r), t.getcell('ANTENNA2', r))
            halves = {}
            for r in range(two.nrows()):
                halves.setdefault(key(two, r), {})[two.getcell('DATA_DESC_ID', r)] = two.getcell('DATA', r)
            ok = two.nrows() == 2 * one.nrows()
            for r in range(0, one.nrows(), 97):
                h = halves[key(one, r)]
                ok = ok and np.array_equal(np.concatenate([h[0], h[1]]), one.getcell('DATA', r))
            f1 = pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcell('CHAN_FREQ', 0)
            s2 = pt.table(sys.argv[2] + '/SPECTRAL_WINDOW', ack=False)
            print(ok and np.array_equal(np.concatenate([s2.getcell('CHAN_FREQ', 0), s2.getcell('CHAN_FREQ', 1)]), f1))
            """.Replace("            ", ""), tmp["one.ms"], tmp["two.ms"]);
        Assert.That(py.Stdout.Trim(), Is.EqualTo("True"), py.ToString());
    }

    [Test]
    public void CombineSpwsRefusesUnequalChannelCounts()
    {
        using var tmp = new TempDir();
        var r = Proc.MmsMpi("mstransform", "--vis", GeneratedData.SmallMs, "--outputvis", tmp["o.ms"], "--datacolumn", "data", "--combinespws");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("only supported when the number of channels is the same for all the spw's selected"));
        Assert.That(Directory.GetFileSystemEntries(tmp.Path), Is.Empty);
    }

    [Test]
    public void Cvel2OnAScanMmsRunsInParallelAndEqualsThePlainMs()
    {
        using var tmp = new TempDir();
        var ms = GeneratedData.EqualSpwsMs;
        Ok(Proc.MmsMpi("partition", "--vis", ms, "--outputvis", tmp["scan.mms"], "--separationaxis", "scan", "--numsubms", "2", "--flagbackup", "false"));
        Ok(Proc.MmsMpi("partition", "--vis", ms, "--outputvis", tmp["spw.mms"], "--separationaxis", "spw", "--flagbackup", "false"));
        string[] cvel = ["--outframe", "LSRK", "--mode", "channel", "--width", "2"];
        var r = Proc.MmsMpiUnderMpi(3, ["cvel2", "--vis", tmp["scan.mms"], "--outputvis", tmp["out.mms"], .. cvel]);
        Ok(r);
        Assert.That(r.Stderr, Does.Contain("transforming 2 sub-MSs in parallel"));
        Ok(Proc.MmsMpi(["cvel2", "--vis", ms, "--outputvis", tmp["out.ms"], .. cvel]));
        Checks.SameRows(tmp["out.ms"], tmp["out.mms"]);
        Assert.That(Checks.Py(tmp["out.ms"], "pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcol('MEAS_FREQ_REF')[0]"), Is.EqualTo("1"));
        // A spw-partitioned MMS cannot be combined per sub-MS: cvel2 refuses as CASA does.
        var refused = Proc.MmsMpi(["cvel2", "--vis", tmp["spw.mms"], "--outputvis", tmp["no.mms"], .. cvel]);
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Stderr, Does.Contain("Cannot combine spws in parallel").And.Contain("Unable to continue with MMS processing"));
    }

    private static IEnumerable<TestCaseData> RealData3() => RealData.Names.Select(n => new TestCaseData(n).SetName($"Transform_{n}"));

    [TestCaseSource(nameof(RealData3))]
    public void RealDataGoesThroughChanAverageTimeAverageHanningAndRegridToLsrk(string name)
    {
        using var tmp = new TempDir();
        var input = RealData.Path(name);
        string[] select = name.StartsWith("mssel") ? ["--spw", "1"] : [];  // spw 2 of the ALMA set has 1 channel
        Ok(Proc.MmsMpi(["mstransform", "--vis", input, "--outputvis", tmp["o.ms"], "--datacolumn", "data", "--chanaverage", "--chanbin", "2",
            "--timeaverage", "--timebin", "1min", "--hanning", "--regridms", "--outframe", "LSRK", .. select]));
        Assert.That(Checks.Py(tmp["o.ms"], "set(pt.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False).getcol('MEAS_FREQ_REF'))"), Is.EqualTo("{1}"));
        Assert.That(Checks.TaqlRows(tmp["o.ms"]), Is.GreaterThan(0).And.LessThan(Checks.TaqlRows(input)));
        Assert.That(Checks.ShowTableInfo(tmp["o.ms"]), Does.Contain("Measurement Set"));
        // Every output cell has the channel count its spw row says, half (rounded down) of the input's.
        var py = Proc.Python("""
            import sys
            from casacore import tables as pt
            a, b = sys.argv[1], sys.argv[2]
            na = pt.table(a + '/SPECTRAL_WINDOW', ack=False).getcol('NUM_CHAN'); nb = pt.table(b + '/SPECTRAL_WINDOW', ack=False).getcol('NUM_CHAN')
            t = pt.table(b, ack=False); spw = pt.table(b + '/DATA_DESCRIPTION', ack=False).getcol('SPECTRAL_WINDOW_ID')
            ok = all(t.getcell('DATA', r).shape[0] == nb[spw[t.getcell('DATA_DESC_ID', r)]] for r in range(0, t.nrows(), 7))
            print(ok and sorted(set(nb)) == sorted(set(n // 2 for n in na if n // 2 in set(nb))) and max(nb) == max(na) // 2)
            """.Replace("            ", ""), input, tmp["o.ms"]);
        Assert.That(py.Stdout.Trim(), Is.EqualTo("True"), py.ToString());
    }

    private static IEnumerable<TestCaseData> BadParameters()
    {
        yield return Case("chanbin larger than the spw", ["--chanaverage", "--chanbin", "128"], "is larger than the 64 selected channels");
        yield return Case("chanbin 1", ["--chanaverage", "--chanbin", "1"], "Parameter chanbin must be > 1");
        yield return Case("timebin not a time", ["--timeaverage", "--timebin", "often"], "timebin must be a time");
        yield return Case("timebin zero", ["--timeaverage", "--timebin", "0s"], "Parameter timebin must be > '0s'");
        yield return Case("timespan unknown", ["--timeaverage", "--timebin", "10s", "--timespan", "baseline"], "timespan must be scan, state, field");
        yield return Case("chanbin list length", ["--chanaverage", "--chanbin", "2,2"], "different from the number of spw");

        static TestCaseData Case(string name, string[] args, string message) => new TestCaseData(args, message).SetName($"TransformError_{name.Replace(' ', '_')}");
    }

    [TestCaseSource(nameof(BadParameters))]
    public void BadParametersGiveOneLineAndNoOutput(string[] args, string message)
    {
        using var tmp = new TempDir();
        var r = Proc.MmsMpi(["mstransform", "--vis", Vla, "--outputvis", tmp["o.ms"], "--datacolumn", "data", .. args]);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Stderr, Does.Contain("ERROR: ").And.Contain(message));
        Assert.That(Directory.GetFileSystemEntries(tmp.Path), Is.Empty);
    }
}
