using System.Diagnostics;
using System.Security.Cryptography;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// Bad input to every task, table-driven: exit code 1, exactly one "ERROR:" line (parse errors followed by the usage
/// hint), the expected message, no stack trace, nothing new in the working directory (no output, no *.building, no
/// trace file) and not one byte of the inputs changed. Each case runs in its own directory (also the process's
/// working directory) holding fresh copies of a small MS (in.ms) and/or an MMS made from it (in.mms).
/// </summary>
[Parallelizable(ParallelScope.None)]
public class BadInputTests
{
    /// <summary>The directory of one case: W is the working directory, Ms/Mms the copied inputs, Out an output that does not exist.</summary>
    public sealed class Paths(string work)
    {
        public string W { get; } = work;
        public string Ms => this["in.ms"];
        public string Mms => this["in.mms"];
        public string Out => this["out.mms"];
        public string this[string name] => Path.Combine(W, name);
    }

    [Flags]
    public enum Inputs { Ms = 1, Mms = 2 }

    /// <summary>One bad input: the command, the fragments of which the ERROR line must hold one, what to prepare, and whether it is a parse error (usage hint).</summary>
    public sealed record BadInput(Func<Paths, string[]> Args, string[] Fragments, Inputs Inputs = Inputs.Ms, Action<Paths>? Setup = null,
        bool Usage = false, int Ranks = 0, IReadOnlyDictionary<string, string>? Env = null);

    private static string _fixture = "";

    /// <summary>The master copies: the generated small MS and an MMS of it (4 sub-MSs, made once).</summary>
    private static string MasterMs => Path.Combine(_fixture, "in.ms");

    private static string MasterMms => Path.Combine(_fixture, "in.mms");

    [OneTimeSetUp]
    public void MakeInputs()
    {
        _fixture = RunScratch.Create("mmsmpi-badinput-");
        Copy(GeneratedData.SmallMs, MasterMs);
        var r = Proc.MmsMpi("partition", "--vis", MasterMs, "--outputvis", MasterMms, "--numsubms", "4", "--flagbackup", "false");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        // ---- paths
        yield return Case("partition missing vis", new(p => ["partition", "--vis", p["none.ms"], "--outputvis", p.Out], ["Visibility data set not found"]));
        yield return Case("mstransform missing vis", new(p => ["mstransform", "--vis", p["none.ms"], "--outputvis", p.Out, "--datacolumn", "data"],
            ["Visibility data set not found"]));
        yield return Case("flagdata missing vis", new(p => ["flagdata", "--vis", p["none.ms"]], ["Visibility data set not found"]));
        yield return Case("partition vis is a file", new(p => ["partition", "--vis", p["file.ms"], "--outputvis", p.Out], ["not found", "not a MeasurementSet"],
            Setup: p => File.WriteAllText(p["file.ms"], "not an MS")));
        yield return Case("flagdata vis is a file", new(p => ["flagdata", "--vis", p["file.ms"], "--mode", "manual"], ["not found", "not a MeasurementSet"],
            Setup: p => File.WriteAllText(p["file.ms"], "not an MS")));
        yield return Case("listpartition vis is a subtable", new(p => ["listpartition", "--vis", Path.Combine(p.Ms, "ANTENNA")], ["is not a MeasurementSet"]));
        yield return Case("partition empty outputvis", new(p => ["partition", "--vis", p.Ms, "--outputvis", ""], ["Please specify outputvis"]));
        yield return Case("mstransform empty outputvis", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", "", "--datacolumn", "data"],
            ["Please specify outputvis"]));
        yield return Case("partition existing outputvis", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out], ["already exists - will not overwrite it"],
            Setup: p => { Directory.CreateDirectory(p.Out); File.WriteAllText(Path.Combine(p.Out, "keep"), "mine"); }));
        yield return Case("split existing outputvis file", new(p => ["split", "--vis", p.Ms, "--outputvis", p.Out, "--datacolumn", "data"],
            ["already exists - will not overwrite it"], Setup: p => File.WriteAllText(p.Out, "mine")));
        yield return Case("partition existing flagversions", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out], ["flagversions"],
            Setup: p => Directory.CreateDirectory(p.Out + ".flagversions")));
        yield return Case("mstransform existing flagversions", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--datacolumn", "data"],
            ["flagversions"], Setup: p => Directory.CreateDirectory(p.Out + ".flagversions")));
        yield return Case("partition outputvis inside vis", new(p => ["partition", "--vis", p.Ms, "--outputvis", Path.Combine(p.Ms, "out.mms")],
            ["is inside the input vis"]));
        yield return Case("mstransform outputvis inside mms", new(p => ["mstransform", "--vis", p.Mms, "--outputvis", Path.Combine(p.Mms, "SUBMSS", "x.ms"),
            "--datacolumn", "data"], ["is inside the input vis"], Inputs.Mms));
        yield return Case("cvel2 outputvis inside vis through a link", new(p => ["cvel2", "--vis", p.Ms, "--outputvis", p["link/out.ms"]],
            ["is inside the input vis"], Setup: p => Directory.CreateSymbolicLink(p["link"], p.Ms)));
        yield return Case("partition vis inside outputvis", new(p => ["partition", "--vis", p["outer/in.ms"], "--outputvis", p["outer"]],
            ["already exists", "inside outputvis"], Setup: p => { Directory.CreateDirectory(p["outer"]); Copy(MasterMs, p["outer/in.ms"]); }));
        yield return Case("split vis is outputvis", new(p => ["split", "--vis", p.Ms, "--outputvis", p.Ms, "--datacolumn", "data"],
            ["already exists", "is the input vis"]));
        yield return Case("hanningsmooth vis is outputvis with a trailing slash", new(p => ["hanningsmooth", "--vis", p.Ms, "--outputvis", p.Ms + "/"],
            ["already exists", "is the input vis"]));

        // ---- selections
        yield return Case("partition malformed spw", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--spw", "0:abc"], ["data selection failed"]));
        yield return Case("mstransform spw that does not exist", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--spw", "9", "--datacolumn", "data"],
            ["data selection failed"]));
        yield return Case("partition unknown field", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--field", "nosuchfield"], ["data selection failed"]));
        yield return Case("split malformed field", new(p => ["split", "--vis", p.Ms, "--outputvis", p.Out, "--field", "0~~", "--datacolumn", "data"],
            ["data selection failed"]));
        yield return Case("flagdata malformed antenna", new(p => ["flagdata", "--vis", p.Ms, "--antenna", "ea01&&&&"], ["data selection failed"]));
        yield return Case("partition malformed antenna", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--antenna", "ea01;;;"], ["data selection failed"]));
        yield return Case("partition malformed timerange", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--timerange", "25:99:99~abc"],
            ["data selection failed"]));
        yield return Case("flagdata malformed timerange", new(p => ["flagdata", "--vis", p.Ms, "--timerange", "yesterday"], ["data selection failed"]));
        yield return Case("partition scan that does not exist", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--scan", "99"], ["selects no rows"]));
        yield return Case("mstransform taql selecting nothing", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--taql", "SCAN_NUMBER > 1000",
            "--datacolumn", "data"], ["selects no rows"]));
        yield return Case("mstransform timerange selecting nothing", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out,
            "--timerange", "1990/01/01/00:00:00~1990/01/01/00:10:00", "--datacolumn", "data"], ["selects no rows", "data selection failed"]));
        yield return Case("flagdata scan that does not exist on an mms", new(p => ["flagdata", "--vis", p.Mms, "--scan", "99"], ["selects no rows"], Inputs.Mms));

        // ---- parameters
        yield return Case("partition unknown separationaxis", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--separationaxis", "field"],
            ["unknown separationaxis 'field'"]));
        yield return Case("partition numsubms 0", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--numsubms", "0"], ["numsubms must be >= 1"]));
        yield return Case("partition numsubms -1", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--numsubms", "-1"], ["numsubms must be >= 1"]));
        yield return Case("partition numsubms abc", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--numsubms", "abc"],
            ["numsubms must be 'auto' or an integer"]));
        yield return Case("mstransform createmms numsubms 0", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--createmms", "--numsubms", "0",
            "--datacolumn", "data"], ["numsubms must be >= 1"]));
        yield return Case("mstransform chanbin 0", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--chanaverage", "--chanbin", "0",
            "--datacolumn", "data"], ["chanbin values must be >= 1"]));
        yield return Case("mstransform chanbin abc", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--chanaverage", "--chanbin", "abc",
            "--datacolumn", "data"], ["chanbin must be an integer"]));
        yield return Case("mstransform timebin -1s", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--timeaverage", "--timebin", "-1s",
            "--datacolumn", "data"], ["timebin"]));
        yield return Case("mstransform timebin abc", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--timeaverage", "--timebin", "abc",
            "--datacolumn", "data"], ["timebin must be a time"]));
        yield return Case("split timebin abc", new(p => ["split", "--vis", p.Ms, "--outputvis", p.Out, "--timebin", "abc", "--datacolumn", "data"],
            ["timebin must be a time"]));
        yield return Case("split width 0", new(p => ["split", "--vis", p.Ms, "--outputvis", p.Out, "--width", "0", "--datacolumn", "data"],
            ["width values must be >= 1"]));
        yield return Case("mstransform regridms nchan 0", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--regridms", "--nchan", "0",
            "--datacolumn", "data"], ["nchan must be -1"]));
        yield return Case("mstransform regridms width 0", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--regridms", "--width", "0",
            "--datacolumn", "data"], ["width must not be zero"]));
        yield return Case("mstransform regridms unknown mode", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--regridms", "--mode", "fancy",
            "--datacolumn", "data"], ["mode fancy"]));
        yield return Case("mstransform unknown datacolumn", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--datacolumn", "fancy"],
            ["unknown datacolumn 'fancy'", "datacolumn"]));
        yield return Case("flagdata unknown mode", new(p => ["flagdata", "--vis", p.Ms, "--mode", "fancy"], ["unknown mode 'fancy'"]));
        yield return Case("flagdata unknown action", new(p => ["flagdata", "--vis", p.Ms, "--action", "maybe"], ["unknown action 'maybe'"]));
        yield return Case("flagmanager unknown mode", new(p => ["flagmanager", "--vis", p.Ms, "--mode", "explode", "--versionname", "x"], ["unknown mode 'explode'"]));
        yield return Case("flagmanager unknown merge", new(p => ["flagmanager", "--vis", p.Ms, "--mode", "restore", "--versionname", "kept", "--merge", "xor"],
            ["unknown merge 'xor'"], Setup: SaveVersion));
        yield return Case("flagmanager restore missing version", new(p => ["flagmanager", "--vis", p.Ms, "--mode", "restore", "--versionname", "nope"],
            ["Flag version nope does not exist"], Setup: SaveVersion));
        yield return Case("flagmanager restore without any versions", new(p => ["flagmanager", "--vis", p.Ms, "--mode", "restore", "--versionname", "nope"],
            ["nope"]));
        yield return Case("flagdata summary-json into a missing directory", new(p => ["flagdata", "--vis", p.Ms, "--mode", "summary", "--summary-json",
            p["no/such/dir/s.json"]], ["does not exist"]));
        yield return Case("flagdata plot without a summary", new(p => ["flagdata", "--vis", p.Ms, "--mode", "clip", "--clipminmax", "[0,1]", "--plot", p["f.png"]],
            ["--plot needs a summary command"]));
        yield return Case("flagdata plot not a png", new(p => ["flagdata", "--vis", p.Ms, "--mode", "summary", "--plot", p["f.jpg"]], ["name it *.png"]));
        yield return Case("listpartition plot into a missing directory", new(p => ["listpartition", "--vis", p.Ms, "--plot", p["no/such/dir/p.png"]], ["does not exist"]));

        // ---- the command line itself
        yield return Case("partition unknown option", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--bogus"], ["'--bogus'"], Usage: true));
        yield return Case("flagdata unknown option with a value", new(p => ["flagdata", "--vis", p.Ms, "--bogus", "3"], ["'--bogus'"], Usage: true));
        yield return Case("unknown task", new(p => ["frobnicate", "--vis", p.Ms], ["frobnicate"], Usage: true));
        yield return Case("partition missing required vis", new(p => ["partition", "--outputvis", p.Out], ["--vis"], Usage: true));
        yield return Case("flagdata missing required vis", new(p => ["flagdata", "--mode", "manual"], ["--vis"], Usage: true));
        yield return Case("partition vis value missing", new(p => ["partition", "--outputvis", p.Out, "--vis"], ["'--vis'"], Usage: true));
        yield return Case("partition vis value missing after a given vis", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--vis"], ["--vis"], Usage: true));
        yield return Case("partition outputvis value missing", new(p => ["partition", "--vis", p.Ms, "--outputvis"], ["'--outputvis'"], Usage: true));
        yield return Case("mstransform nchan not a number", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--regridms", "--nchan", "abc"],
            ["'abc'"], Usage: true));
        yield return Case("partition bad boolean", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--createmms", "maybe"], ["maybe"], Usage: true));

        // ---- hostile MMSs
        yield return Case("flagdata mms member linked outside", new(p => ["flagdata", "--vis", p.Mms, "--mode", "manual", "--spw", "0"],
            ["has links outside the MMS", "refusing to write"], Inputs.Mms, Setup: MemberOutside));
        yield return Case("flagdata mms subtable linked outside", new(p => ["flagdata", "--vis", p.Mms, "--mode", "manual", "--spw", "0"],
            ["has links outside the MMS"], Inputs.Ms | Inputs.Mms, Setup: p =>
            {
                File.Delete(Path.Combine(p.Mms, "ANTENNA"));
                File.CreateSymbolicLink(Path.Combine(p.Mms, "ANTENNA"), Path.Combine(p.Ms, "ANTENNA"));
            }));
        yield return Case("flagmanager restore on an mms member linked outside", new(p => ["flagmanager", "--vis", p.Mms, "--mode", "restore", "--versionname", "kept"],
            ["has links outside the MMS"], Inputs.Mms, Setup: p => { SaveVersionOn(p.Mms); MemberOutside(p); }));
        yield return Case("flagdata mms garbage AxisType", new(p => ["flagdata", "--vis", p.Mms, "--mode", "manual", "--spw", "0"],
            ["unknown AxisType 'banana'"], Inputs.Mms, Setup: GarbageAxisType));
        yield return Case("mstransform mms garbage AxisType", new(p => ["mstransform", "--vis", p.Mms, "--outputvis", p.Out, "--datacolumn", "data"],
            ["unknown AxisType 'banana'"], Inputs.Mms, Setup: GarbageAxisType));
        yield return Case("listpartition mms garbage AxisType", new(p => ["listpartition", "--vis", p.Mms], ["unknown AxisType 'banana'"], Inputs.Mms,
            Setup: GarbageAxisType));

        // ---- applycal, clearcal, on-the-fly calibration
        string[] Apply(Paths p, params string[] more) => ["applycal", "--vis", p.Ms, "--gaintable", p["g.G"], .. more];
        yield return Case("applycal missing gaintable", new(p => ["applycal", "--vis", p.Ms, "--gaintable", p["none.G"]], ["gaintable", "not found"]));
        yield return Case("applycal no gaintable", new(p => ["applycal", "--vis", p.Ms], ["nothing to apply"]));
        yield return Case("applycal gaintable is an MS", new(p => ["applycal", "--vis", p.Ms, "--gaintable", p["other.ms"]], ["is not a calibration table"],
            Setup: p => Copy(MasterMs, p["other.ms"])));
        yield return Case("applycal table of another MS", new(p => ["applycal", "--vis", p.Ms, "--gaintable", p["alma.G"]], ["was made for another MS"],
            Setup: p => CalTesting.Make(RealData.Path("mssel_test_small.ms"), p["alma.G"], GTable(RealData.Path("mssel_test_small.ms"), 1, 0))));
        yield return Case("applycal spwmap out of range", new(p => Apply(p, "--spwmap", "[5]"), ["Please specify spw indices <= maximum available"], Setup: MakeG));
        yield return Case("applycal spwmap too long", new(p => Apply(p, "--spwmap", "0,0,0,0"), ["more elements (4) than the number of spectral windows"], Setup: MakeG));
        yield return Case("applycal negative spwmap", new(p => Apply(p, "--spwmap", "[-2,0]"), ["positive indices"], Setup: MakeG));
        yield return Case("applycal unknown interp", new(p => Apply(p, "--interp", "lineer"), ["unknown interp 'lineer'"], Setup: MakeG));
        yield return Case("applycal cubic interp", new(p => Apply(p, "--interp", "cubic"), ["not supported"], Setup: MakeG));
        yield return Case("applycal unknown applymode", new(p => Apply(p, "--applymode", "calibrate"), ["unknown applymode 'calibrate'"], Setup: MakeG));
        yield return Case("applycal calwt count", new(p => Apply(p, "--calwt", "[True,False]"), ["calwt has 2 values for 1 gaintable"], Setup: MakeG));
        yield return Case("applycal unknown gainfield", new(p => Apply(p, "--gainfield", "NoSuchSource"), ["no field 'NoSuchSource'"], Setup: MakeG));
        yield return Case("applycal bad selection", new(p => Apply(p, "--spw", "9"), ["data selection failed", "selects no rows"], Setup: MakeG));
        yield return Case("applycal missing vis", new(p => ["applycal", "--vis", p["none.ms"], "--gaintable", p["g.G"]], ["Visibility data set not found"]));
        yield return Case("clearcal missing vis", new(p => ["clearcal", "--vis", p["none.ms"]], ["Visibility data set not found"]));
        yield return Case("mstransform docallib without callib", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--docallib"], ["give --callib"]));
        yield return Case("mstransform missing callib file", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--docallib", "--callib", p["none.txt"]],
            ["callib file", "not found"]));
        yield return Case("mstransform bad callib line", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--docallib", "--callib", p["cal.txt"]],
            ["Problem parsing cal library line 1"], Setup: p => File.WriteAllText(p["cal.txt"], "caltable='g.G' tinterp='linear\n")));
        yield return Case("mstransform callib unknown key", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--docallib", "--callib", p["cal.txt"]],
            ["unknown cal library key 'interp'"], Setup: p => { MakeG(p); File.WriteAllText(p["cal.txt"], $"caltable='{p["g.G"]}' interp='linear'\n"); }));
        yield return Case("mstransform docallib datacolumn data", new(p => ["mstransform", "--vis", p.Ms, "--outputvis", p.Out, "--docallib", "--callib", p["cal.txt"],
            "--datacolumn", "data"], ["use datacolumn='corrected'"], Setup: p => { MakeG(p); File.WriteAllText(p["cal.txt"], $"caltable='{p["g.G"]}'\n"); }));

        // ---- importuvh5 / exportuvh5 (files written by tests/tools/uvh5_make.py)
        yield return Uvh5("missing file", p => [p["none.uvh5"]], ["UVH5 file not found"]);
        yield return Uvh5("not hdf5", p => [p["a.uvh5"]], ["not an HDF5 file"], p => File.WriteAllText(p["a.uvh5"], "not HDF5"));
        yield return Uvh5("hdf5 not uvh5", p => [p["a.uvh5"]], ["not a UVH5 file"], MakeUvh5("--broken", "not_uvh5"));
        yield return Uvh5("missing freq_array", p => [p["a.uvh5"]], ["Header/freq_array is missing"], MakeUvh5("--broken", "missing_freq"));
        yield return Uvh5("Nblts mismatch", p => [p["a.uvh5"]], ["Nblts is"], MakeUvh5("--broken", "nblts"));
        yield return Uvh5("Npols mismatch", p => [p["a.uvh5"]], ["Npols is"], MakeUvh5("--broken", "npols"));
        yield return Uvh5("visdata shape", p => [p["a.uvh5"]], ["Nfreqs is", "has shape"], MakeUvh5("--broken", "shape"));
        yield return Uvh5("ephem phase centre", p => [p["a.uvh5"]], ["cat_type 'ephem' is not supported"], MakeUvh5("--phase", "ephem"));
        yield return Uvh5("near-field phase centre", p => [p["a.uvh5"]], ["is not supported"], MakeUvh5("--phase", "nearfield"));
        yield return Uvh5("interleaved spws", p => [p["a.uvh5"]], ["not contiguous"], MakeUvh5("--nspw", "2", "--noncontiguous-spw"));
        yield return Uvh5("flex-pol", p => [p["a.uvh5"]], ["flex-pol"], p =>
        {
            MakeUvh5()(p);
            var r = Proc.Python("import sys, h5py, numpy as np; h5py.File(sys.argv[1], 'a')['Header'].create_dataset('flex_spw_polarization_array', data=np.array([-5], dtype='i4'))", p["a.uvh5"]);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        });
        // LZF alone we decode ourselves; behind HDF5's shuffle filter it needs the plugin, which is hidden here.
        yield return Uvh5("filter not available", p => [p["a.uvh5"]], ["needs filter 32000"], p =>
        {
            MakeUvh5()(p);
            var r = Proc.Python("""
                import sys, h5py
                f = h5py.File(sys.argv[1], 'a')
                flags = f['Data/flags'][()]
                del f['Data/flags']
                f.create_dataset('Data/flags', data=flags, chunks=True, shuffle=True, compression='lzf')
                """, p["a.uvh5"]);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        }, new Dictionary<string, string> { ["HDF5_PLUGIN_PATH"] = "/nonexistent" });
        yield return Uvh5("file given twice", p => [$"{p["a.uvh5"]},{p["a.uvh5"]}"], ["is given twice"], MakeUvh5());
        yield return Uvh5("empty glob", p => [p["*.uvh"]], ["no file matches"]);
        yield return Uvh5("separationaxis baseline", p => [p["a.uvh5"], "--separationaxis", "baseline"], ["not divided by baseline"], MakeUvh5());
        yield return Uvh5("separationaxis against the files", p => [p["s"], "--separationaxis", "spw"], ["divides these files along scan"],
            MakeUvh5At("s/n.uvh5", "--series", "2", "--split", "time"));
        yield return Case("importuvh5 existing outputvis", new(p => ["importuvh5", "--vis", p["a.uvh5"], "--outputvis", p.Ms], ["already exists - will not overwrite it"],
            Setup: MakeUvh5()));
        yield return Case("exportuvh5 existing output", new(p => ["exportuvh5", "--vis", p.Ms, "--outputvis", p["a.uvh5"]], ["already exists - will not overwrite it"],
            Setup: MakeUvh5()));
        yield return Case("exportuvh5 missing vis", new(p => ["exportuvh5", "--vis", p["none.ms"], "--outputvis", p["a.uvh5"]], ["Visibility data set not found"]));
        yield return Case("exportuvh5 missing directory", new(p => ["exportuvh5", "--vis", p.Ms, "--outputvis", p["no/a.uvh5"]], ["does not exist"]));
        yield return Case("mpi importuvh5 bad file among good", new(p => ["importuvh5", "--vis", $"{p["a.uvh5"]},{p["b.uvh5"]}", "--outputvis", p.Out],
            ["Nblts is"], 0, Setup: p => { MakeUvh5()(p); MakeUvh5At("b.uvh5", "--broken", "nblts")(p); }, Ranks: 3));

        // ---- the same refusals under mpiexec (rank 0 + 2 workers)
        yield return Case("mpi applycal mms unknown interp", new(p => ["applycal", "--vis", p.Mms, "--gaintable", p["g.G"], "--interp", "lineer"],
            ["unknown interp"], Inputs.Ms | Inputs.Mms, Setup: MakeG, Ranks: 3));
        yield return Case("mpi partition numsubms 0", new(p => ["partition", "--vis", p.Ms, "--outputvis", p.Out, "--numsubms", "0"], ["numsubms must be >= 1"],
            Ranks: 3));
        yield return Case("mpi flagdata mms member linked outside", new(p => ["flagdata", "--vis", p.Mms, "--mode", "manual", "--spw", "0"],
            ["has links outside the MMS"], Inputs.Mms, Setup: MemberOutside, Ranks: 3));
        yield return Case("mpi mstransform outputvis inside mms", new(p => ["mstransform", "--vis", p.Mms, "--outputvis", Path.Combine(p.Mms, "SUBMSS", "x.ms"),
            "--datacolumn", "data"], ["is inside the input vis"], Inputs.Mms, Ranks: 3));

        static TestCaseData Case(string name, BadInput input) => new TestCaseData(input).SetName($"BadInput_{name.Replace(' ', '_')}");
        static TestCaseData Uvh5(string name, Func<Paths, string[]> vis, string[] fragments, Action<Paths>? setup = null,
            IReadOnlyDictionary<string, string>? env = null) =>
            Case($"importuvh5 {name}", new(p => ["importuvh5", "--vis", .. vis(p), "--outputvis", p.Out], fragments, 0, setup, Env: env));
    }

    [TestCaseSource(nameof(Cases))]
    public void FailsWithOneErrorLineAndChangesNothing(BadInput c)
    {
        using var tmp = new TempDir();
        var p = new Paths(tmp.Path);
        if (c.Inputs.HasFlag(Inputs.Ms)) Copy(MasterMs, p.Ms);
        if (c.Inputs.HasFlag(Inputs.Mms)) Copy(MasterMms, p.Mms);
        c.Setup?.Invoke(p);
        string before = TreeHash(p.W);

        var args = c.Args(p);
        var r = c.Ranks > 0
            ? Run(p.W, Repo.Script("run-mpi.sh"), ["-n", c.Ranks.ToString(), .. args], c.Env)
            : Run(p.W, "dotnet", [Repo.MmsMpiDll, .. args], c.Env);

        string shown = $"MmsMpi {string.Join(" ", args.Select(Quote))}\n{r}";
        Assert.That(r.ExitCode, Is.EqualTo(1), shown);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var errors = lines.Where(l => l.StartsWith("ERROR:")).ToList();
        Assert.That(errors, Has.Count.EqualTo(1), "exactly one ERROR line: " + shown);
        Assert.That(c.Fragments.Any(f => errors[0].Contains(f)), Is.True, $"the ERROR line must contain one of [{string.Join(" | ", c.Fragments)}]: {shown}");
        Assert.That(lines.Any(l => l.StartsWith("   at ") || l.Contains("Unhandled exception")), Is.False, "no stack trace: " + shown);
        Assert.That(errors[0], Does.Not.Contain("internal error"), "a bad input is not an internal error: " + shown);
        if (c.Usage)
        {
            int i = Array.IndexOf(lines, errors[0]);
            Assert.That(i + 1 < lines.Length && lines[i + 1].StartsWith("usage: MmsMpi "), Is.True, "a parse error is followed by the usage hint: " + shown);
        }
        Assert.That(TreeHash(p.W), Is.EqualTo(before), "nothing may be created or changed in the working directory or the inputs: " + shown);
    }

    /// <summary>A G table of 3 solution times for ms.</summary>
    private static CalTesting.Table GTable(string ms, int seed, params int[] spws) =>
        new("G", CalTesting.Solutions(ms, 3, seed, spws.Length > 0 ? spws : [0, 1, 2]));

    /// <summary>g.G: a G table for the case's MS.</summary>
    private static void MakeG(Paths p) => CalTesting.Make(p.Ms, p["g.G"], GTable(p.Ms, 2));

    /// <summary>A directory whose name has spaces, single and double quotes, $, a backtick and unicode.</summary>
    private static string OddDir(TempDir tmp)
    {
        string dir = Path.Combine(tmp.Path, "my 'odd' $dir `x` ü \"q\"");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>partition (with its default flag backup partition_1) between odd paths; the file names start with a dash.</summary>
    [Test]
    public void OddPathsWorkForPartition()
    {
        using var tmp = new TempDir();
        string dir = OddDir(tmp);
        string ms = Path.Combine(dir, "-lead.ms"), mms = Path.Combine(dir, "-out $(x) 'm'.mms");
        Copy(MasterMs, ms);
        var part = Run(dir, "dotnet", [Repo.MmsMpiDll, "partition", "--vis", ms, "--outputvis", mms, "--numsubms", "2"]);
        Assert.That(part.ExitCode, Is.EqualTo(0), part.ToString());
        Assert.That(Directory.GetDirectories(Path.Combine(mms, "SUBMSS")), Has.Length.EqualTo(2));
        Assert.That(Directory.Exists(mms + ".flagversions"), Is.True, "partition saves partition_1");
        Checks.SameRows(ms, mms);
        var list = Run(dir, "dotnet", [Repo.MmsMpiDll, "flagmanager", "--vis", mms, "--mode", "list"]);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString());
        Assert.That(list.Stdout, Does.Contain("partition_1"), list.ToString());
        Assert.That(Directory.EnumerateFileSystemEntries(dir, "*.trace").Concat(Directory.EnumerateFileSystemEntries(dir, "*.building")), Is.Empty);
    }

    /// <summary>flagdata with its backup, flagmanager list and restore, on an MS and on an MMS at odd paths.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void OddPathsWorkForFlagDataAndFlagManager(bool mms)
    {
        using var tmp = new TempDir();
        string dir = OddDir(tmp);
        string vis = Path.Combine(dir, mms ? "-lead $(x) 'm'.mms" : "-lead.ms");
        Copy(mms ? MasterMms : MasterMs, vis);
        string original = FlagDigest(vis);

        var flag = Run(dir, "dotnet", [Repo.MmsMpiDll, "flagdata", "--vis", vis, "--mode", "manual", "--spw", "0"]);
        Assert.That(flag.ExitCode, Is.EqualTo(0), flag.ToString());
        Assert.That(flag.Stdout, Does.Contain("saved as version flagdata_1"), flag.ToString());
        Assert.That(Directory.Exists(vis + ".flagversions"), Is.True);
        Assert.That(FlagDigest(vis), Is.Not.EqualTo(original), "spw 0 is flagged");

        var list = Run(dir, "dotnet", [Repo.MmsMpiDll, "flagmanager", "--vis", vis, "--mode", "list"]);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString());
        Assert.That(list.Stdout, Does.Contain("flagdata_1"), list.ToString());

        var restore = Run(dir, "dotnet", [Repo.MmsMpiDll, "flagmanager", "--vis", vis, "--mode", "restore", "--versionname", "flagdata_1"]);
        Assert.That(restore.ExitCode, Is.EqualTo(0), restore.ToString());
        Assert.That(FlagDigest(vis), Is.EqualTo(original), "restore brings back the flags from before flagdata");
        Assert.That(Directory.EnumerateFileSystemEntries(dir, "*.trace"), Is.Empty);
    }

    /// <summary>A relative vis that starts with a dash, given as the option's value (the working directory holds it).</summary>
    [Test]
    public void RelativePathWithALeadingDashWorks()
    {
        using var tmp = new TempDir();
        string dir = Path.Combine(tmp.Path, "$dir ü");
        Directory.CreateDirectory(dir);
        Copy(MasterMs, Path.Combine(dir, "-lead.ms"));
        var flag = Run(dir, "dotnet", [Repo.MmsMpiDll, "flagdata", "--vis", "-lead.ms", "--mode", "manual", "--spw", "1"]);
        Assert.That(flag.ExitCode, Is.EqualTo(0), flag.ToString());
        var list = Run(dir, "dotnet", [Repo.MmsMpiDll, "flagmanager", "--vis=-lead.ms", "--mode", "list"]);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString());
        Assert.That(list.Stdout, Does.Contain("flagdata_1"), list.ToString());
        var part = Run(dir, "dotnet", [Repo.MmsMpiDll, "partition", "--vis", "-lead.ms", "--outputvis", "-p.mms", "--numsubms", "2"]);
        Assert.That(part.ExitCode, Is.EqualTo(0), part.ToString());
        Assert.That(Directory.Exists(Path.Combine(dir, "-p.mms", "SUBMSS")), Is.True);
    }

    // ---- setups

    private static void SaveVersion(Paths p) => SaveVersionOn(p.Ms);

    private static void SaveVersionOn(string vis)
    {
        var r = Proc.MmsMpi("flagmanager", "--vis", vis, "--mode", "save", "--versionname", "kept");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
    }

    /// <summary>SUBMSS/in.0000.ms replaced by a link to a copy of it outside the MMS.</summary>
    private static void MemberOutside(Paths p)
    {
        string member = Path.Combine(p.Mms, "SUBMSS", "in.0000.ms"), outside = p["elsewhere/in.0000.ms"];
        Directory.CreateDirectory(p["elsewhere"]);
        Directory.Move(member, outside);
        Directory.CreateSymbolicLink(member, outside);
    }

    private static void GarbageAxisType(Paths p)
    {
        string info = Path.Combine(p.Mms, "table.info");
        var lines = File.ReadAllLines(info).Select(l => l.StartsWith("AxisType") ? "AxisType = banana" : l).ToArray();
        Assert.That(lines, Does.Contain("AxisType = banana"));
        File.WriteAllLines(info, lines);
    }

    // ---- helpers

    private static Action<Paths> MakeUvh5(params string[] options) => MakeUvh5At("a.uvh5", options);

    private static Action<Paths> MakeUvh5At(string name, params string[] options) => p => Uvh5Tests.Make(p[name], options);

    private static void Copy(string from, string to)
    {
        var r = Proc.Run("cp", ["-a", from, to]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
    }

    private static string Quote(string a) => a.Length > 0 && a.All(ch => char.IsLetterOrDigit(ch) || "-_./=:~,".Contains(ch)) ? a : $"'{a.Replace("'", "'\\''")}'";

    /// <summary>Every entry under dir: relative path, kind, and the file's bytes (SHA-256) or the link's target; links are not followed.</summary>
    public static string TreeHash(string dir)
    {
        var lines = new List<string>();
        void Walk(DirectoryInfo d)
        {
            foreach (var e in d.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false }))
            {
                string rel = Path.GetRelativePath(dir, e.FullName);
                if (e.LinkTarget is not null) lines.Add($"L {rel} -> {e.LinkTarget}");
                else if (e is DirectoryInfo sub) { lines.Add($"D {rel}"); Walk(sub); }
                else
                {
                    using var f = File.OpenRead(e.FullName);
                    lines.Add($"F {rel} {Convert.ToHexString(SHA256.HashData(f))}");
                }
            }
        }
        Walk(new DirectoryInfo(dir));
        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines);
    }

    /// <summary>SHA-1 of the FLAG column, cell by cell (the spws have different channel counts; python-casacore).</summary>
    private static string FlagDigest(string ms) =>
        Checks.Py(ms, "__import__('hashlib').sha1(b''.join(t.getcell('FLAG', i).tobytes() for i in range(t.nrows()))).hexdigest()");

    /// <summary>A child process in a given working directory (the CLI, or run-mpi.sh with MMSMPI_DLL set).</summary>
    private static ProcResult Run(string cwd, string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null) =>
        Proc.Run(file, args, new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { ["MMSMPI_DLL"] = Repo.MmsMpiDll }, cwd: cwd);
}
