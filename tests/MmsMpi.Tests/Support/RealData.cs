namespace MmsMpi.Tests.Support;

/// <summary>The real MeasurementSets of ../shared/data/ms, unpacked once per test run into a scratch directory.</summary>
public static class RealData
{
    /// <summary>Archive → directory it unpacks to (../shared/data/README.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> Sets = new Dictionary<string, string>
    {
        ["alma_mssel_test_small.ms.tgz"] = "mssel_test_small.ms",
        ["vla_day2_TDEM0003.ms.tgz"] = "day2_TDEM0003_10s_norx_1src_1spw.ms",
        ["lofar_tNDPPP_generic.ms.tgz"] = "tNDPPP-generic.MS",
    };

    private static readonly Lazy<string> Unpacked = new(Unpack);

    public static IEnumerable<string> Names => Sets.Values;

    /// <summary>Path of an unpacked MS; tests must not modify it (copy first).</summary>
    public static string Path(string msName) => System.IO.Path.Combine(Unpacked.Value, msName);

    private static string Unpack()
    {
        var dir = RunScratch.Create("mmsmpi-realdata-");
        foreach (var archive in Sets.Keys)
        {
            var r = Proc.Run("tar", ["xzf", System.IO.Path.Combine(Repo.Shared, "data", "ms", archive), "-C", dir]);
            if (r.ExitCode != 0) throw new InvalidOperationException($"cannot unpack {archive}: {r}");
        }
        return dir;
    }
}
