using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace MmsMpi.Tests.Support;

/// <summary>
/// Calibration tables written and expectations computed independently of MmsMpi (tests/tools/caltables.py:
/// python-casacore and numpy), and the applycal runs the tests compare with them.
/// </summary>
public static class CalTesting
{
    /// <summary>One table of a case: its type, the generator of its solutions (caltables.py make), and how it is applied.</summary>
    public sealed record Table(string Type, JsonObject Generate, string Interp = "linear", int[]? SpwMap = null, string GainField = "",
        bool CalWt = true, bool CasaVersion = true);

    /// <summary>Writes a table for ms at path with caltables.py make.</summary>
    public static void Make(string ms, string path, Table table)
    {
        string spec = path + ".spec.json";
        File.WriteAllText(spec, new JsonObject
        {
            ["type"] = table.Type, ["casa_version"] = table.CasaVersion, ["generate"] = table.Generate.DeepClone(),
        }.ToJsonString());
        Tool("make", ms, path, spec);
    }

    /// <summary>caltables.py expect: what applycal must make of ms (read before it runs) into npz.</summary>
    public static JsonElement Expect(string ms, string npz, IReadOnlyList<(string Path, Table Table)> tables, string applyMode,
        long[]? rows = null, int[]? spws = null)
    {
        var apply = new JsonObject
        {
            ["tables"] = new JsonArray(tables.Select(t => (JsonNode)new JsonObject
            {
                ["table"] = t.Path, ["interp"] = t.Table.Interp, ["spwmap"] = new JsonArray((t.Table.SpwMap ?? []).Select(s => (JsonNode)s).ToArray()),
                ["gainfield"] = t.Table.GainField, ["calwt"] = t.Table.CalWt,
            }).ToArray()),
            ["applymode"] = applyMode,
        };
        if (rows is not null) apply["rows"] = new JsonArray(rows.Select(r => (JsonNode)r).ToArray());
        if (spws is not null) apply["spws"] = new JsonArray(spws.Select(s => (JsonNode)s).ToArray());
        File.WriteAllText(npz + ".apply.json", apply.ToJsonString());
        return Tool("expect", ms, npz, npz + ".apply.json");
    }

    /// <summary>caltables.py compare: the report (ok, max relative errors, flag differences, first mismatch).</summary>
    public static JsonElement Compare(string ms, string npz)
    {
        var r = Proc.Run("/usr/bin/python3", [Repo.Tool("caltables.py"), "compare", ms, npz]);
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    /// <summary>applycal's arguments for these tables: one --interp, --gainfield per table, spwmap and calwt as CASA lists.</summary>
    public static string[] ApplyArgs(IReadOnlyList<(string Path, Table Table)> tables) =>
    [
        "--gaintable", string.Join(",", tables.Select(t => t.Path)),
        .. tables.SelectMany(t => new[] { "--interp", t.Table.Interp }),
        .. tables.SelectMany(t => new[] { "--gainfield", t.Table.GainField }),
        "--spwmap", "[" + string.Join(",", tables.Select(t => "[" + string.Join(",", t.Table.SpwMap ?? []) + "]")) + "]",
        "--calwt", "[" + string.Join(",", tables.Select(t => t.Table.CalWt ? "True" : "False")) + "]",
    ];

    /// <summary>The MS's distinct times, first and last.</summary>
    public static (double First, double Last, double[] All) Times(string ms)
    {
        var r = Proc.Python("import sys,json,numpy as np; from casacore import tables as pt; " +
                            "t=np.unique(pt.table(sys.argv[1],ack=False).getcol('TIME')); print(json.dumps(t.tolist()))", ms);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var all = JsonSerializer.Deserialize<double[]>(r.Stdout)!;
        return (all[0], all[^1], all);
    }

    /// <summary>Row numbers a TaQL condition selects (the rows an applycal selection must touch).</summary>
    public static long[] Rows(string ms, string where)
    {
        var r = Proc.Python("import sys,json; from casacore import tables as pt; " +
                            "print(json.dumps([int(x) for x in pt.table(sys.argv[1],ack=False).query(sys.argv[2]).rownumbers()]))", ms, where);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return JsonSerializer.Deserialize<long[]>(r.Stdout)!;
    }

    /// <summary>
    /// A generator of seeded solutions (caltables.py make) at n times over ms's observation for the spws: amplitudes
    /// 0.5–1.5, any phase, delays ±4 ns; flags as given.
    /// </summary>
    public static JsonObject Solutions(string ms, int times, int seed, IEnumerable<int> spws, params JsonObject[] flags) => new()
    {
        ["times"] = SpreadTimes(ms, times), ["spws"] = new JsonArray(spws.Select(s => (JsonNode)s).ToArray()), ["seed"] = seed,
        ["amp"] = new JsonArray(0.5, 1.5), ["phase_deg"] = new JsonArray(-180, 180), ["delay_ns"] = new JsonArray(-4, 4),
        ["flag"] = new JsonArray(flags.Select(f => (JsonNode)f).ToArray()),
    };

    /// <summary>Flagged solutions of an antenna; a null key means all (spws, times, polarizations, channels).</summary>
    public static JsonObject Flag(int antenna, int? spw = null, int? timeIndex = null, int? pol = null, int? chan = null) => new()
    {
        ["antenna"] = antenna, ["spw"] = spw, ["time_index"] = timeIndex, ["pol"] = pol, ["chan"] = chan,
    };

    /// <summary>The object with one more member (generators written as expressions).</summary>
    public static JsonObject Also(this JsonObject o, string key, JsonNode? value)
    {
        o[key] = value;
        return o;
    }

    /// <summary>n solution times spread over the observation, the first before its start and the last after its end (one: its middle).</summary>
    public static JsonArray SpreadTimes(string ms, int n)
    {
        var (first, last, _) = Times(ms);
        if (n == 1) return new JsonArray((first + last) / 2);
        return new JsonArray(Enumerable.Range(0, n).Select(i => (JsonNode)(first - 7 + i * (last - first + 14) / (n - 1))).ToArray());
    }

    public static JsonElement Tool(params string[] args)
    {
        var r = Proc.Run("/usr/bin/python3", [Repo.Tool("caltables.py"), .. args]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    /// <summary>Runs MmsMpi (one process) and requires success.</summary>
    public static ProcResult Run(params string[] args)
    {
        var r = Proc.MmsMpi(args);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return r;
    }

    /// <summary>The flag statistics lines of applycal's output.</summary>
    public static string[] Counts(string stdout) =>
        stdout.Split('\n').Where(l => l.Contains("Total visibilities") || l.Contains(" Jones: In:")).ToArray();

    /// <summary>compare_ms.py with the weight spectra: a and b hold the same rows, columns bit for bit.</summary>
    public static void AssertSameMs(string a, string b)
    {
        var r = Proc.Run("/usr/bin/python3", [Repo.Tool("compare_ms.py"), a, b, "", "--spectra"]);
        Assert.That(r.ExitCode, Is.EqualTo(0), $"{a} and {b} differ: {r}");
    }
}
