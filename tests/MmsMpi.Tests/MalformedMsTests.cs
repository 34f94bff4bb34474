using System.Security.Cryptography;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// Hostile or broken input: an MS (or a member of an MMS) damaged in its structure or its files is refused by every task
/// before any work, with one ERROR line naming the table, column and row, exit code 1, no stack trace, no output and
/// not one byte of the input changed. Real and unusual but valid MSs pass the same checks.
/// </summary>
public class MalformedMsTests
{
    /// <summary>
    /// Appends a copy of the first DATA_DESC_ID 1 row whose COL cell has another numpy shape (or is left undefined:
    /// "none"), then EXTRA intact copies, so that the bad row is, or is not, the last row of its DDI.
    /// </summary>
    private const string AppendRow = """
        from casacore import tables as pt; import numpy as np, sys
        ms, col, shape, extra = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        t = pt.table(ms, readonly=False, ack=False)
        src = int(np.nonzero(t.getcol('DATA_DESC_ID') == 1)[0][0])
        n = t.nrows(); t.addrows(1 + extra)
        for r in range(n, n + 1 + extra):
            for c in t.colnames():
                if r == n and c == col:
                    if shape != 'none': t.putcell(c, r, np.zeros([int(x) for x in shape.split(',')], t.getcell(c, src).dtype))
                elif t.iscelldefined(c, src): t.putcell(c, r, t.getcell(c, src))
        t.close()
        """;

    private const string RemoveSubtable = """
        from casacore import tables as pt; import shutil, sys
        t = pt.table(sys.argv[1], readonly=False, ack=False); t.removekeyword(sys.argv[2]); t.close()
        shutil.rmtree(sys.argv[1] + '/' + sys.argv[2])
        """;

    private static IEnumerable<TestCaseData> Damages()
    {
        // SmallMs: 27 antennas, 3 fields, 3 spws of 16/8/32 channels, one polarization of 4, 3 STATE rows, 1 observation.
        yield return Case("DD polarization out of range", ms => Taql($"update {ms}/DATA_DESCRIPTION set POLARIZATION_ID=5 where rowid()==1"),
            "is malformed: DATA_DESCRIPTION row 1 has POLARIZATION_ID 5 but POLARIZATION has 1 row(s)");
        yield return Case("DD spw out of range", ms => Taql($"update {ms}/DATA_DESCRIPTION set SPECTRAL_WINDOW_ID=7 where rowid()==2"),
            "is malformed: DATA_DESCRIPTION row 2 has SPECTRAL_WINDOW_ID 7 but SPECTRAL_WINDOW has 3 row(s)");
        yield return Case("NUM_CHAN 0", ms => Taql($"update {ms}/SPECTRAL_WINDOW set NUM_CHAN=0 where rowid()==1"),
            "is malformed: SPECTRAL_WINDOW row 1 has NUM_CHAN 0");
        yield return Case("ANTENNA2 out of range", ms => Taql($"update {ms} set ANTENNA2=40 where rowid()==123"),
            "is malformed: main table row 123 has ANTENNA2 40 but ANTENNA has 27 row(s)");
        yield return Case("negative ANTENNA1", ms => Taql($"update {ms} set ANTENNA1=-1 where rowid()==7"),
            "is malformed: main table row 7 has ANTENNA1 -1 but ANTENNA has 27 row(s)");
        yield return Case("DATA_DESC_ID out of range", ms => Taql($"update {ms} set DATA_DESC_ID=3 where rowid()==500"),
            "is malformed: main table row 500 has DATA_DESC_ID 3 but DATA_DESCRIPTION has 3 row(s)");
        yield return Case("FIELD_ID out of range", ms => Taql($"update {ms} set FIELD_ID=9 where rowid()==1000"),
            "is malformed: main table row 1000 has FIELD_ID 9 but FIELD has 3 row(s)");
        yield return Case("STATE_ID out of range", ms => Taql($"update {ms} set STATE_ID=3 where rowid()==10"),
            "is malformed: main table row 10 has STATE_ID 3 but STATE has 3 row(s)");
        yield return Case("OBSERVATION_ID out of range", ms => Taql($"update {ms} set OBSERVATION_ID=2 where rowid()==20"),
            "is malformed: main table row 20 has OBSERVATION_ID 2 but OBSERVATION has 1 row(s)");
        yield return Case("POLARIZATION subtable removed", ms => Python(RemoveSubtable, ms, "POLARIZATION"),
            "is malformed: the required subtable POLARIZATION is missing");
        yield return Case("STATE removed while STATE_ID is used", ms => Python(RemoveSubtable, ms, "STATE"),
            "is malformed: the required subtable STATE is missing");
        yield return Case("FIELD directory deleted", ms => Directory.Delete(Path.Combine(ms, "FIELD"), recursive: true),
            "is malformed: the required subtable FIELD is missing");
        yield return Case("DATA cell of the wrong size mid-DDI", ms => Python(AppendRow, ms, "DATA", "3,4", "1"),
            "has a DATA cell of shape [4, 3] but DATA_DESC_ID 1 needs [4, 8] = [NUM_CORR, NUM_CHAN]");
        yield return Case("FLAG cell transposed at a DDI's end", ms => Python(AppendRow, ms, "FLAG", "4,8", "0"),
            "has a FLAG cell of shape [8, 4] but DATA_DESC_ID 1 needs [4, 8] = [NUM_CORR, NUM_CHAN]");
        yield return Case("undefined DATA cell", ms => Python(AppendRow, ms, "DATA", "none", "1"),
            "has no DATA cell (DATA_DESC_ID 1 needs [4, 8]");
        // table.f0 is the IncrementalStMan of FIELD_ID, STATE_ID, ...; table.f1 the StandardStMan of DATA_DESC_ID, ANTENNA1, ...
        yield return Case("table.f0 truncated", ms => Truncate(Path.Combine(ms, "table.f0")), "is unreadable: main table column FIELD_ID: ");
        yield return Case("table.f1 truncated", ms => Truncate(Path.Combine(ms, "table.f1")), "is unreadable: main table column DATA_DESC_ID: ");
        yield return Case("storage manager file missing", ms => File.Delete(Path.Combine(ms, "table.f1")),
            "is unreadable: main table column DATA_DESC_ID: ");
        yield return Case("MMS member ANTENNA2 out of range", ms => Taql($"update {Member(ms, 2)} set ANTENNA2=40 where rowid()==3"),
            "is malformed: sub-MS bad.0002.ms: main table row 3 has ANTENNA2 40 but ANTENNA has 27 row(s)", mms: true);
        yield return Case("MMS member table.f1 truncated", ms => Truncate(Path.Combine(Member(ms, 1), "table.f1")),
            "is unreadable: sub-MS bad.0001.ms: main table column DATA_DESC_ID: ", mms: true);
        yield return Case("MMS member POLARIZATION removed", ms => Python(RemoveSubtable, Member(ms, 0), "POLARIZATION"),
            "is malformed: sub-MS bad.0000.ms: the required subtable POLARIZATION is missing", mms: true);

        static TestCaseData Case(string name, Action<string> damage, string message, bool mms = false) =>
            new TestCaseData(damage, message, mms).SetName($"MalformedMs_{name.Replace(' ', '_')}");
    }

    [TestCaseSource(nameof(Damages))]
    public void IsRefusedByEveryTaskBeforeAnyWork(Action<string> damage, string message, bool mms)
    {
        using var tmp = new TempDir();
        var bad = tmp[mms ? "bad.mms" : "bad.ms"];
        if (mms) Succeeds(Proc.MmsMpi("partition", "--vis", GeneratedData.SmallMs, "--outputvis", bad));
        else FlagTesting.CopyOfSmallMs(tmp, "bad.ms");
        damage(bad);
        var before = Snapshot(tmp.Path);
        string[][] tasks =
        [
            ["listpartition", "--vis", bad],
            ["partition", "--vis", bad, "--outputvis", tmp["out.mms"]],
            ["flagdata", "--vis", bad, "--mode", "manual", "--antenna", "0"],
            ["mstransform", "--vis", bad, "--outputvis", tmp["o.ms"], "--datacolumn", "data"],
        ];
        foreach (var task in tasks)
        {
            var r = Proc.MmsMpi(task);
            var context = $"{task[0]}: {r}";
            Assert.That(r.ExitCode, Is.EqualTo(1), context);
            var errors = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("ERROR:")).ToList();
            Assert.That(errors, Has.Count.EqualTo(1), context);
            Assert.That(errors[0], Does.StartWith($"ERROR: '{bad}' is ").And.Contain(message), context);
            Assert.That(r.Stderr + r.Stdout, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception"), context);
            Assert.That(Snapshot(tmp.Path), Is.EqualTo(before), $"{task[0]} must create nothing (no out.mms, out.mms.building, o.ms, "
                + ".flagversions) and change no file of the input");
        }
    }

    private static IEnumerable<TestCaseData> ValidMss()
    {
        // ALMA: DDI 0 unused, ASDM_* keywords naming absent subtables, WEIGHT_SPECTRUM cells all undefined.
        // VLA: STATE_ID -1 with an empty STATE. LOFAR (DP3): STATE_ID 0 with an empty STATE.
        foreach (var name in RealData.Names)
            yield return new TestCaseData(name, (Action<string>)(_ => { })).SetName($"MalformedMs_accepts_{name}");
        yield return new TestCaseData(RealData.Names.First(n => n.StartsWith("day2")), (Action<string>)(ms => Python("""
            from casacore import tables as pt; import numpy as np, sys
            t = pt.table(sys.argv[1], readonly=False, ack=False)
            desc, dm = t.getcoldesc('DATA'), t.getdminfo('DATA')
            desc['valueType'] = 'float'; dm['NAME'] = 'TiledFloat'
            t.addcols(pt.maketabdesc(pt.makecoldesc('FLOAT_DATA', desc)), dm)
            t.putcol('FLOAT_DATA', t.getcol('DATA').real.astype(np.float32)); t.removecols(['DATA']); t.close()
            """, ms))).SetName("MalformedMs_accepts_FLOAT_DATA_instead_of_DATA");
        yield return new TestCaseData("", (Action<string>)(ms =>
        {
            Taql($"update {ms} set STATE_ID=-1");
            foreach (var sub in new[] { "STATE", "SOURCE", "POINTING", "SYSCAL" }) Python(RemoveSubtable, ms, sub);
        })).SetName("MalformedMs_accepts_STATE_ID_-1_without_STATE_and_optional_subtables");
    }

    [TestCaseSource(nameof(ValidMss))]
    public void ValidMsIsAccepted(string realMs, Action<string> change)
    {
        using var tmp = new TempDir();
        var ms = tmp["ok.ms"];
        Succeeds(Proc.Run("cp", ["-r", realMs == "" ? GeneratedData.SmallMs : RealData.Path(realMs), ms]));
        change(ms);
        Succeeds(Proc.MmsMpi("listpartition", "--vis", ms));
        // With its flag backup: the version table has no subtables, so the ALMA MS's absent ASDM_* ones do not matter.
        Succeeds(Proc.MmsMpi("flagdata", "--vis", ms, "--mode", "manual", "--antenna", "0"));
    }

    private static string Member(string mms, int i) => Path.Combine(mms, "SUBMSS", $"{Path.GetFileNameWithoutExtension(mms)}.{i:D4}.ms");

    private static void Taql(string command) => Succeeds(Proc.Run("taql", [command]));

    private static void Python(string script, params string[] args) => Succeeds(Proc.Python(script, args));

    private static void Truncate(string file)
    {
        using var f = File.Open(file, FileMode.Open);
        f.SetLength(100);
    }

    private static void Succeeds(ProcResult r) => Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());

    /// <summary>Every entry under dir: its relative name, and a symlink's target (an MMS member's links may dangle) or a file's content hash.</summary>
    private static string Snapshot(string dir) => string.Join("\n",
        Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f =>
            $"{Path.GetRelativePath(dir, f)} " + (new FileInfo(f).LinkTarget is { } link ? $"-> {link}"
                : File.Exists(f) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))) : "dir")));
}
