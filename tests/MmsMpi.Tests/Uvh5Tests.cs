using System.Text.Json;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// importuvh5 and exportuvh5 against independent Python references (tests/tools: files written by h5py as pyuvdata
/// writes them, every MS row checked by python-casacore against the rules of docs/uvh5-rules.md, files compared by
/// h5py), for every header and data variant, series of files into a Multi-MS under MPI, the real ATA files and
/// MSs of real telescopes through UVH5 and back.
/// </summary>
[Parallelizable(ParallelScope.None)]
public class Uvh5Tests
{
    private static readonly string AtaDir = Path.Combine(Repo.Shared, "data", "uvh5");

    private static string[] AtaFiles => Directory.GetFiles(AtaDir, "*.uvh5").Order().ToArray();

    /// <summary>Writes a synthetic UVH5 file (or a series) with uvh5_make.py; its JSON report.</summary>
    public static JsonElement Make(string path, params string[] options)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return Tool("uvh5_make.py", [path, .. options]);
    }

    private static JsonElement Tool(string tool, string[] args, bool mustPass = true)
    {
        var r = Proc.Run("/usr/bin/python3", [Repo.Tool(tool), .. args]);
        if (mustPass) Assert.That(r.ExitCode, Is.EqualTo(0), $"{tool} {string.Join(" ", args)}\n{r}");
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    /// <summary>The MS holds exactly what the files hold, by the rules, as python-casacore and h5py read them.</summary>
    private static void AssertMsHolds(string ms, params string[] files) => Tool("uvh5_check.py", [ms, .. files]);

    private static void AssertSameFile(string a, string b, bool normalize = false) =>
        Tool("uvh5_compare.py", normalize ? [a, b, "--normalize"] : [a, b]);

    private static void Run(params string[] args)
    {
        var r = Proc.MmsMpi(args);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
    }

    private static void RunUnderMpi(int ranks, params string[] args)
    {
        var r = Proc.MmsMpiUnderMpi(ranks, args);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
    }

    /// <summary>Every variant of the format the import reads (options of uvh5_make.py).</summary>
    private static IEnumerable<TestCaseData> Variants() => new[]
    {
        "", "--visdtype c16", "--visdtype int32", "--legacy rank4", "--legacy phase_type", "--legacy drift", "--legacy json_catalog",
        "--vlen-strings", "--nspw 3", "--autos", "--conj mixed", "--conj a1>a2", "--phase multi", "--phase unprojected",
        "--phase driftscan", "--phase fk5", "--negative-nsamples", "--pols -1,-2,-3,-4", "--pols -5", "--pols 1,2,3,4",
        "--chanwidth -1e5", "--no-lzf", "--flag-fraction 1",
    }.Select(v => new TestCaseData(v).SetArgDisplayNames(v.Length == 0 ? "default" : v));

    [TestCaseSource(nameof(Variants))]
    public void ImportedMsHoldsTheFile(string variant)
    {
        using var tmp = new TempDir();
        Make(tmp["in.uvh5"], variant.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Run("importuvh5", "--vis", tmp["in.uvh5"], "--outputvis", tmp["out.ms"]);
        AssertMsHolds(tmp["out.ms"], tmp["in.uvh5"]);
        Assert.That(Checks.TaqlRows(tmp["out.ms"]), Is.GreaterThan(0), "taql reads the MS (QuantumUnits casacore can parse)");
    }

    /// <summary>pyuvdata's LZF chunks are decoded by us (liblzf), so reading needs no HDF5 plugin; HDF5's own path reads the rest.</summary>
    [Test]
    public void LzfReadsWithoutThePlugin()
    {
        using var tmp = new TempDir();
        Make(tmp["in.uvh5"], "--nfreq", "300", "--ntimes", "40", "--nspw", "3");
        var r = Proc.Run("dotnet", [Repo.MmsMpiDll, "importuvh5", "--vis", tmp["in.uvh5"], "--outputvis", tmp["out.ms"]],
            new Dictionary<string, string> { ["HDF5_PLUGIN_PATH"] = "/nonexistent" });
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        AssertMsHolds(tmp["out.ms"], tmp["in.uvh5"]);
    }

    /// <summary>UVH5 → MS → UVH5 gives every value back (antennas in CASA's order for files that had others).</summary>
    [TestCase("")]
    [TestCase("--nspw 3")]
    [TestCase("--phase multi")]
    [TestCase("--phase unprojected")]
    [TestCase("--phase driftscan")]
    [TestCase("--legacy rank4")]
    [TestCase("--visdtype int32")]
    [TestCase("--autos --pols -1,-2,-3,-4")]
    [TestCase("--conj mixed")]
    [TestCase("--conj a1>a2")]
    public void RoundTripGivesTheFileBack(string variant)
    {
        using var tmp = new TempDir();
        Make(tmp["in.uvh5"], variant.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Run("importuvh5", "--vis", tmp["in.uvh5"], "--outputvis", tmp["out.ms"]);
        Run("exportuvh5", "--vis", tmp["out.ms"], "--outputvis", tmp["back.uvh5"]);
        AssertSameFile(tmp["in.uvh5"], tmp["back.uvh5"], normalize: variant.Contains("--conj"));
        var lzf = Proc.Python("""
            import sys, h5py
            f = h5py.File(sys.argv[1])
            print(f['Data/flags'].compression, f['Data/nsamples'].compression, f['Data/visdata'].compression, f['Data/visdata'].dtype)
            """, tmp["back.uvh5"]);
        Assert.That(lzf.Stdout.Trim(), Is.EqualTo("lzf lzf None complex64"), "flags and nsamples LZF, visdata plain complex64, as pyuvdata writes");
    }

    /// <summary>A night in 4 files: an MMS under MPI equals one process's and a plain MS of them, and the files themselves.</summary>
    [Test]
    public void SeriesInTimeBecomesOneMmsInParallel()
    {
        using var tmp = new TempDir();
        Make(tmp["night/n.uvh5"], "--series", "4", "--split", "time", "--phase", "multi", "--ntimes", "6");
        var files = Directory.GetFiles(tmp["night"]).Order().ToArray();
        RunUnderMpi(3, "importuvh5", "--vis", tmp["night"], "--outputvis", tmp["mpi.mms"]);
        Run("importuvh5", "--vis", string.Join(",", files), "--outputvis", tmp["one.mms"]);
        Run("importuvh5", "--vis", tmp["night/*.uvh5"], "--outputvis", tmp["plain.ms"], "--createmms", "false");
        AssertMsHolds(tmp["mpi.mms"], files);
        CalTesting.AssertSameMs(tmp["one.mms"], tmp["mpi.mms"]);
        CalTesting.AssertSameMs(tmp["plain.ms"], tmp["mpi.mms"]);
        Assert.That(Directory.GetDirectories(tmp["mpi.mms/SUBMSS"]), Has.Length.EqualTo(4));
        Assert.That(File.ReadAllText(tmp["mpi.mms/table.info"]), Does.Contain("AxisType = scan"));
        var scans = Directory.GetDirectories(tmp["mpi.mms/SUBMSS"]).Order()
            .Select(m => Checks.Py(m, "min(t.getcol('SCAN_NUMBER')), max(t.getcol('SCAN_NUMBER'))").Split(' ').Select(int.Parse).ToArray()).ToList();
        Assert.That(scans[0][0], Is.EqualTo(1));
        for (int i = 1; i < scans.Count; i++)
            Assert.That(scans[i][0], Is.EqualTo(scans[i - 1][1] + 1), "each file's scans continue the count of the file before");

        Directory.CreateDirectory(tmp["back"]);
        RunUnderMpi(3, "exportuvh5", "--vis", tmp["mpi.mms"], "--outputvis", tmp["back/n.uvh5"], "--per-subms");
        for (int i = 0; i < files.Length; i++) AssertSameFile(files[i], tmp[$"back/n.{i:D4}.uvh5"]);
        Run("exportuvh5", "--vis", tmp["mpi.mms"], "--outputvis", tmp["whole.uvh5"]);
        Run("importuvh5", "--vis", tmp["whole.uvh5"], "--outputvis", tmp["whole.ms"]);
        AssertMsHolds(tmp["whole.ms"], tmp["whole.uvh5"]);
        Tool("same_vis.py", [tmp["mpi.mms"], tmp["whole.ms"]]);
    }

    /// <summary>A band in 4 files: the spw axis, each file's band its own spw with a global id.</summary>
    [Test]
    public void SeriesInFrequencyKeepsTheBandsApart()
    {
        using var tmp = new TempDir();
        Make(tmp["band/b.uvh5"], "--series", "4", "--split", "freq");
        var files = Directory.GetFiles(tmp["band"]).Order().ToArray();
        RunUnderMpi(3, "importuvh5", "--vis", tmp["band"], "--outputvis", tmp["b.mms"]);
        AssertMsHolds(tmp["b.mms"], files);
        Assert.That(File.ReadAllText(tmp["b.mms/table.info"]), Does.Contain("AxisType = spw"));
        Assert.That(Checks.Py(tmp["b.mms"], "sorted(set(t.getcol('DATA_DESC_ID')))"), Is.EqualTo("[0, 1, 2, 3]"));
        var list = Proc.MmsMpi("listpartition", "--vis", tmp["b.mms"]);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString());
        Assert.That(list.Stdout, Does.Contain("separation axis = spw"), list.ToString());
    }

    /// <summary>The real ATA files (LZF flags and nsamples, mixed conjugation, negative nsamples) into an MMS and back.</summary>
    [Test]
    public void RealAtaFilesImportAndComeBack()
    {
        using var tmp = new TempDir();
        RunUnderMpi(3, "importuvh5", "--vis", string.Join(",", AtaFiles), "--outputvis", tmp["ata.mms"]);
        AssertMsHolds(tmp["ata.mms"], AtaFiles);
        Assert.That(Checks.Py(tmp["ata.mms"], "int((t.getcol('ANTENNA1') <= t.getcol('ANTENNA2')).all())"), Is.EqualTo("1"), "CASA's antenna order");
        Directory.CreateDirectory(tmp["back"]);
        Run("exportuvh5", "--vis", tmp["ata.mms"], "--outputvis", tmp["back/ata.uvh5"], "--per-subms");
        for (int i = 0; i < AtaFiles.Length; i++) AssertSameFile(AtaFiles[i], tmp[$"back/ata.{i:D4}.uvh5"], normalize: true);
        var summary = Proc.MmsMpi("flagdata", "--vis", tmp["ata.mms"], "--mode", "summary");
        Assert.That(summary.ExitCode, Is.EqualTo(0), summary.ToString());
        Assert.That(summary.Stdout, Does.Contain("0 /          51968"), "our own reader: no flag set, 2 × 406 rows × 16 channels × 4 correlations");
    }

    /// <summary>MSs of real telescopes and the simulator through UVH5 and back keep every visibility, flag and UVW.</summary>
    [TestCaseSource(typeof(RealData), nameof(RealData.Names))]
    [TestCase("simulated")]
    public void MsThroughUvh5KeepsItsVisibilities(string name)
    {
        using var tmp = new TempDir();
        string ms = tmp["in.ms"];
        if (name == "simulated") Run("simulate", "--outputvis", ms, "--size-mb", "4", "--seed", "3");
        else tmp.CopyOf(RealData.Path(name), "in.ms");
        Run("exportuvh5", "--vis", ms, "--outputvis", tmp["x.uvh5"]);
        Run("importuvh5", "--vis", tmp["x.uvh5"], "--outputvis", tmp["back.ms"]);
        Tool("same_vis.py", [ms, tmp["back.ms"]]);
        AssertMsHolds(tmp["back.ms"], tmp["x.uvh5"]);
    }
}
