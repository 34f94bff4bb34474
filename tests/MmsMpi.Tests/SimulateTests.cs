using System.Diagnostics;
using System.Text.Json;
using MmsMpi.Casacore;
using MmsMpi.Simulation;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// Generates small MSs with the Simulator and checks them with an independent reader: python-casacore
/// (/usr/bin/python3) and casacore's showtableinfo.
/// </summary>
[NonParallelizable]
public class SimulateTests
{
    // VLA: 27 antennas, 351 cross baselines; 5 scans of 3 integrations.
    private static readonly SimulationConfig Vla = new("vla.ms")
    {
        NChan = [16, 8, 32], NScan = 5, ScanLength = 30, Integration = 10, Corrected = true, Model = true, WeightSpectrum = true,
    };
    // ALMA: 43 antennas with autocorrelations, 2 correlations, no optional columns.
    private static readonly SimulationConfig Alma = new("alma.ms")
    {
        Array = "alma", NChan = [8, 4], NCorr = 2, NField = 2, NScan = 2, ScanLength = 20, Integration = 5, AutoCorr = true,
    };

    private string _dir = "";
    private SimulationResult _vla = null!;
    private JsonElement _vlaFacts, _almaFacts;

    [OneTimeSetUp]
    public void Generate()
    {
        _dir = Directory.CreateTempSubdirectory("simulate-tests-").FullName;
        _vla = Simulator.Run(Vla with { OutputVis = MsPath(Vla) });
        Simulator.Run(Alma with { OutputVis = MsPath(Alma) });
        _vlaFacts = Facts(MsPath(Vla));
        _almaFacts = Facts(MsPath(Alma));
    }

    [OneTimeTearDown]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void RowCountIsBaselinesTimesSpwsTimesIntegrations()
    {
        Assert.That(_vla.Rows, Is.EqualTo(351L * 3 * 5 * 3));
        Assert.That(Int(_vlaFacts, "nrow"), Is.EqualTo(_vla.Rows));
        Assert.That(Int(_almaFacts, "nrow"), Is.EqualTo((43L * 44 / 2) * 2 * 2 * 4));
    }

    [Test]
    public void RowsAreOrderedByScanTimeSpwBaseline() => Assert.That(_vlaFacts.GetProperty("ordered").GetBoolean(), Is.True);

    [Test]
    public void SpectralWindowsHaveTheRequestedChannelsAndCorrelations()
    {
        Assert.That(Ints(_vlaFacts, "num_chan"), Is.EqualTo(new[] { 16, 8, 32 }));
        Assert.That(Ints(_vlaFacts, "data_nchan"), Is.EqualTo(new[] { 16, 8, 32 }), "DATA cell shape per DATA_DESC_ID");
        Assert.That(Ints(_vlaFacts, "ddid_spw"), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(Ints(_vlaFacts, "meas_freq_ref"), Is.All.EqualTo(5), "TOPO");
        Assert.That(Ints(_vlaFacts, "corr_type"), Is.EqualTo(new[] { 5, 6, 7, 8 }), "RR RL LR LL");
        Assert.That(Ints(_almaFacts, "corr_type"), Is.EqualTo(new[] { 9, 12 }), "XX YY");
        Assert.That(_vlaFacts.GetProperty("freq_increasing").GetBoolean(), Is.True);
    }

    [Test]
    public void UvwIsWithinTheArrayAndAgreesWithCasacore()
    {
        foreach (var facts in new[] { _vlaFacts, _almaFacts })
        {
            Assert.That(Dbl(facts, "max_uvw"), Is.LessThanOrEqualTo(Dbl(facts, "max_baseline") + 1e-6));
            Assert.That(Dbl(facts, "max_uvw"), Is.GreaterThan(0.5 * Dbl(facts, "max_baseline")));
            Assert.That(Dbl(facts, "max_abs_w"), Is.GreaterThan(1.0));
            Assert.That(Dbl(facts, "uvw_vs_mscal"), Is.LessThan(1e-3), "metres from TaQL mscal.uvwJ2000()");
        }
        Assert.That(_vlaFacts.GetProperty("uvw_ref").GetString(), Is.EqualTo("J2000"));
    }

    [Test]
    public void DataIsNonZeroWithNoiseMatchingSigmaAndWeight()
    {
        Assert.That(Dbl(_vlaFacts, "nonzero_fraction"), Is.GreaterThan(0.99));
        Assert.That(Dbl(_vlaFacts, "noise_over_sigma"), Is.InRange(0.9, 1.1), "std of cross-hand DATA / SIGMA");
        Assert.That(Dbl(_vlaFacts, "weight_sigma2"), Is.EqualTo(1.0).Within(1e-4), "WEIGHT * SIGMA^2");
        Assert.That(Dbl(_vlaFacts, "corrected_minus_model_over_sigma"), Is.InRange(0.7, 1.4));
        Assert.That(Dbl(_vlaFacts, "weight_spectrum_vs_weight"), Is.LessThan(1e-5));
    }

    [Test]
    public void SomeDataIsFlaggedAndFlagRowAgreesWithFlag()
    {
        Assert.That(Dbl(_vlaFacts, "flag_fraction"), Is.InRange(0.005, 0.10));
        Assert.That(Int(_vlaFacts, "flag_rows"), Is.GreaterThan(0));
        Assert.That(_vlaFacts.GetProperty("flag_row_consistent").GetBoolean(), Is.True);
    }

    [Test]
    public void SubtablesAreFilled()
    {
        Assert.That(Int(_vlaFacts, "POINTING"), Is.EqualTo(27 * 15), "per antenna per integration");
        Assert.That(Int(_vlaFacts, "SYSCAL"), Is.EqualTo(27 * 3 * 5), "per antenna per spw per scan");
        Assert.That(Dbl(_vlaFacts, "tsys_min"), Is.GreaterThan(10));
        Assert.That(Int(_vlaFacts, "ANTENNA"), Is.EqualTo(27));
        Assert.That(Int(_vlaFacts, "FIELD"), Is.EqualTo(3));
        Assert.That(Int(_vlaFacts, "SOURCE"), Is.EqualTo(9));
        foreach (var sub in new[] { "FEED", "OBSERVATION", "PROCESSOR", "HISTORY", "STATE" })
            Assert.That(Int(_vlaFacts, sub), Is.GreaterThan(0), sub);
        Assert.That(Strings(_vlaFacts, "obs_mode"), Does.Contain("CALIBRATE_PHASE#ON_SOURCE").And.Contain("OBSERVE_TARGET#ON_SOURCE"));
        Assert.That(Strings(_vlaFacts, "scan_intents"), Is.EqualTo(new[]
        {
            "CALIBRATE_BANDPASS#ON_SOURCE,CALIBRATE_FLUX#ON_SOURCE", "CALIBRATE_PHASE#ON_SOURCE", "OBSERVE_TARGET#ON_SOURCE",
            "CALIBRATE_PHASE#ON_SOURCE", "OBSERVE_TARGET#ON_SOURCE",
        }));
        Assert.That(Ints(_vlaFacts, "scans"), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void ArraysLookLikeTheRealOnes()
    {
        Assert.That(_vlaFacts.GetProperty("telescope").GetString(), Is.EqualTo("VLA"));
        Assert.That(Dbl(_vlaFacts, "dish"), Is.EqualTo(25));
        Assert.That(Dbl(_vlaFacts, "max_baseline"), Is.InRange(800, 1100), "D configuration");
        Assert.That(_almaFacts.GetProperty("telescope").GetString(), Is.EqualTo("ALMA"));
        Assert.That(Dbl(_almaFacts, "dish"), Is.EqualTo(12));
        Assert.That(Dbl(_almaFacts, "centre_offset"), Is.LessThan(200), "antennas around the observatory position");
        Assert.That(Int(_almaFacts, "auto_rows"), Is.EqualTo(43 * 2 * 2 * 4));
    }

    [Test]
    public void OptionalColumnsOnlyWhenAsked()
    {
        string[] optional = ["MODEL_DATA", "CORRECTED_DATA", "WEIGHT_SPECTRUM", "SIGMA_SPECTRUM"];
        Assert.That(Strings(_vlaFacts, "columns"), Is.SupersetOf(optional));
        Assert.That(Strings(_almaFacts, "columns").Intersect(optional), Is.Empty);
    }

    [Test]
    public void TableInfoIsMeasurementSet()
    {
        Assert.That(_vlaFacts.GetProperty("info_type").GetString(), Is.EqualTo("Measurement Set"));
        Assert.That(_vlaFacts.GetProperty("readme").GetString(), Does.Contain("This is a MeasurementSet Table holding measurements from a Telescope"));
        Assert.That(Run("showtableinfo", $"in={MsPath(Vla)}"), Does.Contain("Measurement Set"));
    }

    [Test]
    public void SameSeedSameDataOtherSeedOtherData()
    {
        var tiny = new SimulationConfig("") { NChan = [4], NField = 1, NScan = 1, ScanLength = 10 };
        var data = new[] { 1UL, 1UL, 2UL }.Select((seed, i) =>
        {
            var path = Path.Combine(_dir, $"seed{i}.ms");
            Simulator.Run(tiny with { OutputVis = path, Seed = seed });
            using var t = CasaTable.Open(path);
            var values = new ComplexF[t.NRow * 4 * 4];
            t.GetColumn<ComplexF>("DATA", 0, t.NRow, values);
            return values;
        }).ToArray();
        Assert.That(data[1], Is.EqualTo(data[0]));
        Assert.That(data[2], Is.Not.EqualTo(data[0]));
    }

    [Test]
    public void SizeMbSetsTheSize()
    {
        var path = Path.Combine(_dir, "sized.ms");
        var result = Simulator.Run(new SimulationConfig(path) { SizeMb = 40 });
        Assert.That(result.Bytes / 1048576.0, Is.InRange(32, 48));
    }

    [Test]
    public void ExistingOutputIsRefusedAndFailuresLeaveNothing()
    {
        var existing = MsPath(Vla);
        Assert.That(() => SimulateTask.Run(Vla with { OutputVis = existing }),
            Throws.InstanceOf<SimulationException>().With.Message.StartsWith("outputvis"));
        Assert.That(() => Simulator.Run(Vla with { OutputVis = existing }),
            Throws.InstanceOf<SimulationException>().With.Message.EqualTo($"simulate: {existing} already exists"));
        var bad = Path.Combine(_dir, "bad.ms");
        var e = Assert.Throws<SimulationException>(() => Simulator.Run(new SimulationConfig(bad) { NCorr = 3 }));
        Assert.That(e!.Message, Does.Contain("ncorr"));
        Assert.That(Directory.GetFileSystemEntries(_dir, "bad.ms*"), Is.Empty);
        Assert.That(Directory.GetFileSystemEntries(_dir, "*.partial.*"), Is.Empty);
    }

    private string MsPath(SimulationConfig c) => Path.Combine(_dir, c.OutputVis);

    private static long Int(JsonElement e, string name) => e.GetProperty(name).GetInt64();
    private static double Dbl(JsonElement e, string name) => e.GetProperty(name).GetDouble();
    private static int[] Ints(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetInt32()).ToArray();
    private static string[] Strings(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetString()!).ToArray();

    private JsonElement Facts(string ms)
    {
        var script = Path.Combine(_dir, "facts.py");
        File.WriteAllText(script, FactsScript);
        return JsonDocument.Parse(Run("/usr/bin/python3", $"{script} {ms}")).RootElement.Clone();
    }

    private static string Run(string exe, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, $"{exe} {args}: {stderr.Result}");
        return stdout;
    }

    // Everything the tests check, read with python-casacore (not through this project's shim).
    private const string FactsScript = """
        import json, sys
        import numpy as np
        from casacore.tables import table, taql
        ms = sys.argv[1]
        t = table(ms, ack=False)
        sub = lambda name: table(ms + '/' + name, ack=False)
        f = {'nrow': t.nrows(), 'info_type': t.info()['type'], 'readme': t.info()['readme'], 'columns': t.colnames()}
        scan, time, dd = t.getcol('SCAN_NUMBER'), t.getcol('TIME'), t.getcol('DATA_DESC_ID')
        a1, a2 = t.getcol('ANTENNA1'), t.getcol('ANTENNA2')
        f['ordered'] = bool((np.lexsort((a2, a1, dd, time, scan)) == np.arange(t.nrows())).all())
        spw = sub('SPECTRAL_WINDOW')
        f['num_chan'] = spw.getcol('NUM_CHAN').tolist()
        f['meas_freq_ref'] = spw.getcol('MEAS_FREQ_REF').tolist()
        f['freq_increasing'] = all(bool((np.diff(spw.getcell('CHAN_FREQ', i)) > 0).all()) for i in range(spw.nrows()))
        f['ddid_spw'] = sub('DATA_DESCRIPTION').getcol('SPECTRAL_WINDOW_ID').tolist()
        f['corr_type'] = sub('POLARIZATION').getcell('CORR_TYPE', 0).tolist()
        ant = sub('ANTENNA')
        pos = ant.getcol('POSITION')
        f['max_baseline'] = float(max(np.linalg.norm(pos - p, axis=1).max() for p in pos))
        f['dish'] = float(ant.getcol('DISH_DIAMETER')[0])
        f['centre_offset'] = float(np.linalg.norm(pos.mean(axis=0) - pos, axis=1).max())
        uvw = t.getcol('UVW')
        f['max_uvw'] = float(np.linalg.norm(uvw, axis=1).max())
        f['max_abs_w'] = float(np.abs(uvw[:, 2]).max())
        f['uvw_ref'] = t.getcolkeyword('UVW', 'MEASINFO')['Ref']
        f['uvw_vs_mscal'] = float(taql('select gmax(max(abs(UVW - mscal.uvwJ2000()))) as d from $t').getcol('d')[0])
        f['auto_rows'] = int((a1 == a2).sum())
        flagged = total = nonzero = 0
        noise, sigmas, wsig, resid, wspec = [], [], [], [], []
        consistent = True
        for i in range(len(f['ddid_spw'])):
            s = taql('select from $t where DATA_DESC_ID == $i')
            d, fl, fr = s.getcol('DATA'), s.getcol('FLAG'), s.getcol('FLAG_ROW')
            f.setdefault('data_nchan', []).append(d.shape[1])
            flagged += int(fl.sum()); total += fl.size; nonzero += int((d != 0).sum())
            consistent &= bool((fr == fl.all(axis=(1, 2))).all())
            sig, w = s.getcol('SIGMA'), s.getcol('WEIGHT')
            wsig.append(float((w * sig ** 2).mean()))
            cross = (s.getcol('ANTENNA1') != s.getcol('ANTENNA2')) & ~fr
            if d.shape[2] == 4:
                noise.append(float(d[cross][:, :, 1].real.std() / sig[cross][:, 1].mean()))
            if 'MODEL_DATA' in f['columns']:
                r = (s.getcol('CORRECTED_DATA') - s.getcol('MODEL_DATA'))[cross][:, :, 0]
                resid.append(float(r.real.std() / sig[cross][:, 0].mean()))
                wspec.append(float(np.abs(s.getcol('WEIGHT_SPECTRUM')[:, 0, :] - w).max() / w.max()))
        f['flag_fraction'] = flagged / total
        f['flag_rows'] = int(t.getcol('FLAG_ROW').sum())
        f['flag_row_consistent'] = consistent
        f['nonzero_fraction'] = nonzero / total
        f['weight_sigma2'] = float(np.mean(wsig))
        f['noise_over_sigma'] = float(np.mean(noise)) if noise else 0.0
        f['corrected_minus_model_over_sigma'] = float(np.mean(resid)) if resid else 0.0
        f['weight_spectrum_vs_weight'] = max(wspec) if wspec else 0.0
        for name in ['POINTING', 'SYSCAL', 'ANTENNA', 'FIELD', 'SOURCE', 'FEED', 'OBSERVATION', 'PROCESSOR', 'HISTORY', 'STATE']:
            f[name] = sub(name).nrows()
        f['tsys_min'] = float(sub('SYSCAL').getcol('TSYS').min())
        f['obs_mode'] = sub('STATE').getcol('OBS_MODE')
        f['telescope'] = sub('OBSERVATION').getcell('TELESCOPE_NAME', 0)
        f['scans'] = sorted(set(scan.tolist()))
        state = t.getcol('STATE_ID')
        f['scan_intents'] = [f['obs_mode'][int(state[scan == n][0])] for n in f['scans']]
        print(json.dumps(f))
        """;
}
