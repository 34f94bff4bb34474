using System.Text.Json;
using NUnit.Framework;

namespace MmsMpi.Tests.Support;

/// <summary>Independent verification of outputs with python-casacore and casacore's own tools.</summary>
public static class Checks
{
    /// <summary>Asserts that output (MS or MMS read as one MS) holds exactly the rows of input (optionally a TaQL subset).</summary>
    public static void SameRows(string input, string output, string where = "")
    {
        var r = Proc.Run("/usr/bin/python3", [Repo.Tool("compare_ms.py"), input, output, where]);
        Assert.That(r.ExitCode, Is.EqualTo(0), $"python-casacore sees different rows: {r}");
    }

    /// <summary>The structure of an MMS as python-casacore sees it (tests/tools/mms_check.py).</summary>
    public static JsonElement Mms(string mms, string axisKey)
    {
        var r = Proc.Run("/usr/bin/python3", [Repo.Tool("mms_check.py"), mms, axisKey]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    /// <summary>Row count through `taql`, an independent casacore reader.</summary>
    public static long TaqlRows(string table)
    {
        var r = Proc.Run("taql", [$"select gcount() as N from {table}"]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return long.Parse(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Trim());
    }

    public static string ShowTableInfo(string table) => Proc.Run("showtableinfo", [$"in={table}"]).Stdout;

    /// <summary>Evaluates a python-casacore expression on a table opened as `t` and returns its printed value.</summary>
    public static string Py(string table, string expression)
    {
        var r = Proc.Python($"from casacore import tables as pt; import sys; t = pt.table(sys.argv[1], ack=False); print({expression})", table);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return r.Stdout.Trim();
    }
}
