using System.Text.Json;
using System.Text.Json.Nodes;
using MmsMpi.Tests.Support;
using NUnit.Framework;
using static MmsMpi.Tests.Support.CalTesting;

namespace MmsMpi.Tests;

/// <summary>
/// applycal against an independent expectation: tables written by python-casacore with known, seeded solutions
/// (tests/tools/caltables.py make), CORRECTED_DATA, FLAG, WEIGHT and WEIGHT_SPECTRUM computed with numpy from CASA's
/// formulas (caltables.py expect), compared cell by cell after our applycal (relative 1e-5). Two generated MSs: one
/// with CORRECTED_DATA, WEIGHT_SPECTRUM and SIGMA_SPECTRUM, autocorrelations and 3 fields ("ws"), one with DATA only
/// ("plain": CORRECTED_DATA is created).
/// </summary>
[Parallelizable(ParallelScope.None)]
public class ApplyCalTests
{
    public sealed record CalCase(string Ms, Table[] Tables, string ApplyMode = "calflag", string[]? Args = null, string? RowsWhere = null,
        int[]? Spws = null, Action<JsonElement>? Check = null);

    private static string BaseMs(string kind) => kind == "ws" ? GeneratedData.SmallMs : GeneratedData.EqualSpwsMs;

    private static JsonObject Gen(string kind, int times, int seed, int[] spws, params JsonObject[] flags) =>
        Solutions(BaseMs(kind), times, seed, spws, flags);

    private static readonly int[] All3 = [0, 1, 2];

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("G_linear_calwt_weight_spectrum", new("ws", [new("G", Gen("ws", 6, 1, All3, Flag(2, timeIndex: 1, pol: 0)))],
            Check: e => Assert.That(e.GetProperty("solution_flagged_cells").GetInt64(), Is.GreaterThan(0))));
        yield return Case("G_nearest_new_corrected_column", new("plain", [new("G", Gen("plain", 5, 2, All3, Flag(4, timeIndex: 3)), "nearest")]));
        yield return Case("T_linear", new("plain", [new("T", Gen("plain", 4, 3, All3).Also("npol", 1))]));
        yield return Case("B_fewer_channels_flag_interpolated_over", new("ws",
            [new("B", Gen("ws", 1, 4, All3, Flag(1, spw: 0, chan: 3, pol: 0)).Also("nchan", new JsonObject { ["0"] = 8, ["1"] = 4, ["2"] = 16 }), "linear,linear")],
            Check: e => Assert.That(e.GetProperty("solution_flagged_cells").GetInt64(), Is.EqualTo(0), "without 'flag' a flagged channel is interpolated over")));
        yield return Case("B_linearflag", new("ws",
            [new("B", Gen("ws", 2, 5, All3, Flag(1, spw: 0, chan: 3, pol: 0)).Also("nchan", new JsonObject { ["0"] = 8, ["1"] = 8, ["2"] = 32 }), "linear,linearflag")],
            Check: e => Assert.That(e.GetProperty("solution_flagged_cells").GetInt64(), Is.GreaterThan(0))));
        yield return Case("B_nearest_in_frequency", new("plain",
            [new("B", Gen("plain", 1, 6, All3).Also("nchan", new JsonObject { ["0"] = 5, ["1"] = 16, ["2"] = 3 }), "nearest,nearest")]));
        yield return Case("K_delay", new("plain", [new("K", Gen("plain", 3, 7, All3))]));
        yield return Case("K_table_without_CASA_version", new("plain", [new("K", Gen("plain", 3, 8, All3), CasaVersion: false)]));
        yield return Case("K_G_B_listed_out_of_order", new("ws",
        [
            new("K", Gen("ws", 2, 9, All3), CalWt: false), new("G", Gen("ws", 5, 10, All3, Flag(6, timeIndex: 2, pol: 1))),
            new("B", Gen("ws", 1, 11, All3).Also("nchan", new JsonObject { ["0"] = 16, ["1"] = 8, ["2"] = 32 })),
        ]));
        yield return Case("calflagstrict_flags_an_spw_without_solutions", new("plain", [new("G", Gen("plain", 4, 12, [0, 1]))], "calflagstrict",
            Check: e => Assert.That(e.GetProperty("rows_uncalibrateable").GetInt64(), Is.GreaterThan(0))));
        yield return Case("calflag_leaves_an_spw_without_solutions", new("ws", [new("G", Gen("ws", 4, 13, [0, 2]))]));
        yield return Case("calonly", new("ws", [new("G", Gen("ws", 4, 14, All3, Flag(3, timeIndex: 1)))], "calonly"));
        yield return Case("flagonly", new("plain", [new("G", Gen("plain", 4, 15, All3, Flag(3, timeIndex: 1), Flag(5, spw: 2)))], "flagonly"));
        yield return Case("flagonlystrict", new("ws", [new("G", Gen("ws", 4, 16, [1], Flag(3, timeIndex: 1)))], "flagonlystrict"));
        yield return Case("trial_changes_nothing", new("plain", [new("G", Gen("plain", 4, 17, All3, Flag(3, timeIndex: 1)))], "trial"));
        yield return Case("spwmap_one_for_all", new("plain", [new("G", Gen("plain", 4, 18, [0]), SpwMap: [0])]));
        yield return Case("spwmap_list", new("ws", [new("G", Gen("ws", 4, 19, [0, 1]), SpwMap: [0, 1, 1])]));
        yield return Case("gainfield_nearest", new("ws", [new("G", Gen("ws", 6, 20, All3).Also("fields", new JsonArray(0, 1, 0, 1, 0, 1)), GainField: "nearest")]));
        yield return Case("gainfield_by_name", new("ws", [new("G", Gen("ws", 6, 21, All3).Also("fields", new JsonArray(0, 1, 0, 1, 0, 1)), GainField: "1")]));
        yield return Case("calwt_false", new("ws", [new("G", Gen("ws", 4, 22, All3), CalWt: false)]));
        yield return Case("antenna_without_solutions_is_flagged", new("plain",
            [new("G", Gen("plain", 3, 23, All3).Also("antennas", new JsonArray(Enumerable.Range(0, 27).Where(a => a != 5).Select(a => (JsonNode)a).ToArray())))],
            Check: e => Assert.That(e.GetProperty("solution_flagged_cells").GetInt64(), Is.GreaterThan(0))));
        yield return Case("selection_scan_spw_antenna", new("plain", [new("G", Gen("plain", 4, 24, All3))],
            Args: ["--scan", "2,3", "--spw", "1", "--antenna", "!ea02"], RowsWhere: "SCAN_NUMBER in [2,3] && DATA_DESC_ID==1 && ANTENNA1!=1 && ANTENNA2!=1"));

        static TestCaseData Case(string name, CalCase c) => new TestCaseData(c).SetName($"ApplyCal_{name}");
    }

    [TestCaseSource(nameof(Cases))]
    public void EqualsTheIndependentExpectation(CalCase c)
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(BaseMs(c.Ms), "in.ms");
        var tables = c.Tables.Select((t, i) => (Path: tmp[$"t{i}.{t.Type}"], Table: t)).ToList();
        foreach (var (path, table) in tables) Make(ms, path, table);
        var expected = Expect(ms, tmp["expected.npz"], tables, c.ApplyMode, c.RowsWhere is null ? null : Rows(ms, c.RowsWhere), c.Spws);
        var r = Run(["applycal", "--vis", ms, .. ApplyArgs(tables), "--applymode", c.ApplyMode, .. c.Args ?? []]);
        var report = Compare(ms, tmp["expected.npz"]);
        Assert.That(report.GetProperty("ok").GetBoolean(), Is.True, $"{report}\n{expected}\n{r}");
        c.Check?.Invoke(expected);
        bool backup = c.ApplyMode is not ("calonly" or "trial");
        Assert.That(Directory.Exists(ms + ".flagversions"), Is.EqualTo(backup), "a flag backup exactly when flags can change");
        if (backup) Assert.That(r.Stdout, Does.Contain("saved as version applycal_1"));
        Assert.That(r.Stdout, Does.Contain("Total visibilities selected for correction"));
    }

    [Test]
    public void TheFlagBackupRestoresTheFlagsFromBefore()
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(GeneratedData.EqualSpwsMs, "in.ms"), before = tmp.CopyOf(GeneratedData.EqualSpwsMs, "before.ms");
        var table = new Table("G", Gen("plain", 4, 30, All3, Flag(3), Flag(7, timeIndex: 0)));
        Make(ms, tmp["g.G"], table);
        Run(["applycal", "--vis", ms, .. ApplyArgs([(tmp["g.G"], table)])]);
        Assert.That(FlagTesting.Tool("equal", ms, before).GetProperty("equal").GetBoolean(), Is.False, "flagged solutions flagged data");
        Run("flagmanager", "--vis", ms, "--mode", "restore", "--versionname", "applycal_1");
        FlagTesting.AssertSameFlags(ms, before);
    }

    /// <summary>
    /// What a killed run can leave (FLAG on disk, FLAG_ROW not yet): the flags the solutions set are rewritten with
    /// their rows' FLAG_ROW even where FLAG already holds them.
    /// </summary>
    [Test]
    public void FlagRowFollowsFlagsAlreadySetByAnInterruptedRun()
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(GeneratedData.EqualSpwsMs, "in.ms");
        var table = new Table("G", Gen("plain", 3, 32, All3, Flag(3)));
        Make(ms, tmp["g.G"], table);
        var r = Proc.Python("""
            import sys
            from casacore import tables as pt
            t = pt.table(sys.argv[1], readonly=False, ack=False)
            for d in range(3):
                q = t.query('DATA_DESC_ID==%d && (ANTENNA1==3 || ANTENNA2==3)' % d)
                q.putcol('FLAG', q.getcol('FLAG') | True)
            t.close()
            """, ms);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(FlagTesting.Tool("state", ms).GetProperty("inconsistent_flag_row").GetInt64(), Is.GreaterThan(0), "the state a killed run can leave");
        Run(["applycal", "--vis", ms, .. ApplyArgs([(tmp["g.G"], table)])]);
        FlagTesting.AssertFlagRowConsistent(ms);
    }

    [Test]
    public void JsonHasTheActivityRecord()
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(GeneratedData.EqualSpwsMs, "in.ms");
        var table = new Table("G", Gen("plain", 4, 31, All3, Flag(3)));
        Make(ms, tmp["g.G"], table);
        Run(["applycal", "--vis", ms, .. ApplyArgs([(tmp["g.G"], table)]), "--json", tmp["r.json"]]);
        var rec = System.Text.Json.JsonDocument.Parse(File.ReadAllText(tmp["r.json"])).RootElement;
        var g = rec.GetProperty("VisEquation").GetProperty("*1");
        Assert.That(g.GetProperty("type").GetString(), Is.EqualTo("G Jones"));
        Assert.That(g.GetProperty("nflagOut").GetInt64(), Is.GreaterThan(g.GetProperty("nflagIn").GetInt64()), "antenna 3's flagged solutions flag its baselines");
        Assert.That(rec.GetProperty("VisEquation").GetProperty("nVisTotal").GetInt64(), Is.EqualTo(g.GetProperty("ndata").GetInt64()));
        Assert.That(rec.GetProperty("flagbackup").GetString(), Is.EqualTo("applycal_1"));
    }

    /// <summary>
    /// The loop on generated data: the simulator's true gains and bandpasses (simulate --caltables) applied to DATA give
    /// CORRECTED_DATA = MODEL_DATA within the thermal noise: (CORRECTED − MODEL) / σ_corrected has unit rms, where σ
    /// comes from the calibrated weights (1/√WEIGHT); DATA itself is far from the model (random gain phases).
    /// </summary>
    [Test]
    public void TrueTablesOfTheSimulatorGiveTheModelWithinTheNoise()
    {
        using var tmp = new TempDir();
        string ms = tmp["loop.ms"];
        Run("simulate", "--outputvis", ms, "--nchan", "32,16", "--nscan", "3", "--model", "--caltables", tmp["true"]);
        Assert.That(Directory.Exists(tmp["true.G"]) && Directory.Exists(tmp["true.B"]), Is.True);
        Run("applycal", "--vis", ms, "--gaintable", $"{tmp["true.G"]},{tmp["true.B"]}");
        var r = Proc.Python("""
            import sys, json, numpy as np
            from casacore import tables as pt
            t = pt.table(sys.argv[1], ack=False)
            out = {}
            for d in range(2):
                q = t.query('DATA_DESC_ID==%d && ANTENNA1!=ANTENNA2' % d)
                c, m, data, f, w = (q.getcol(x) for x in ('CORRECTED_DATA', 'MODEL_DATA', 'DATA', 'FLAG', 'WEIGHT'))
                ok = ~f
                z = (c - m) * np.sqrt(w)[:, None, :]
                zd = (data - m) * np.sqrt(w)[:, None, :]
                out[str(d)] = [float(np.sqrt(np.mean(np.abs(z[ok]) ** 2) / 2)), float(np.sqrt(np.mean(np.abs(zd[ok]) ** 2) / 2))]
            print(json.dumps(out))
            """, ms);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        foreach (var spw in System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement.EnumerateObject())
        {
            Assert.That(spw.Value[0].GetDouble(), Is.InRange(0.9, 1.12), $"spw {spw.Name}: calibrated residual in units of the noise: {r.Stdout}");
            Assert.That(spw.Value[1].GetDouble(), Is.GreaterThan(20), $"spw {spw.Name}: the uncalibrated data are not the model: {r.Stdout}");
        }
    }

    /// <summary>The real MSs of ../shared/data (VLA, ALMA, LOFAR) with a synthetic G and B table for every spw.</summary>
    [TestCase("day2_TDEM0003_10s_norx_1src_1spw.ms")]
    [TestCase("mssel_test_small.ms")]
    [TestCase("tNDPPP-generic.MS")]
    public void RealMsEqualsTheExpectation(string name)
    {
        using var tmp = new TempDir();
        string ms = tmp.CopyOf(RealData.Path(name), "real.ms");
        var times = SpreadTimes(ms, 8);
        var spws = new JsonArray(Enumerable.Range(0, int.Parse(Checks.Py(ms + "/SPECTRAL_WINDOW", "t.nrows()"))).Select(s => (JsonNode)s).ToArray());
        var g = new Table("G", new JsonObject
        {
            ["times"] = times, ["spws"] = spws, ["seed"] = 40, ["amp"] = new JsonArray(0.8, 1.2), ["phase_deg"] = new JsonArray(-90, 90),
            ["flag"] = new JsonArray(Flag(2, timeIndex: 3)),
        });
        var b = new Table("B", new JsonObject
        {
            ["times"] = new JsonArray(times[4]!.GetValue<double>()), ["spws"] = spws.DeepClone(), ["seed"] = 41, ["amp"] = new JsonArray(0.9, 1.1),
            ["phase_deg"] = new JsonArray(-20, 20),
        });
        List<(string, Table)> tables = [(tmp["r.G"], g), (tmp["r.B"], b)];
        foreach (var (path, table) in tables) Make(ms, path, table);
        Expect(ms, tmp["e.npz"], tables, "calflag");
        Run(["applycal", "--vis", ms, .. ApplyArgs(tables)]);
        var report = Compare(ms, tmp["e.npz"]);
        Assert.That(report.GetProperty("ok").GetBoolean(), Is.True, report.ToString());
    }
}
