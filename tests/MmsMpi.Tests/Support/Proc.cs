using System.Diagnostics;

namespace MmsMpi.Tests.Support;

/// <summary>Result of a child process.</summary>
public sealed record ProcResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";

    /// <summary>The run's log file, as its first line names it (MmsMpi runs only).</summary>
    public string LogPath => System.Text.RegularExpressions.Regex.Match(Stderr, @"full log in (\S+)") is { Success: true } m
        ? m.Groups[1].Value : throw new InvalidOperationException("no log file named:\n" + this);

    /// <summary>The run's log file's text: every rank's lines.</summary>
    public string Log => File.ReadAllText(LogPath);
}

/// <summary>Runs child processes (the CLI, python-casacore, casacore tools, mpiexec) with a time limit.</summary>
public static class Proc
{
    /// <param name="cwd">the working directory (null: this process's)</param>
    public static ProcResult Run(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, int timeoutSeconds = 300, string? cwd = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = cwd ?? "" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("TERM");
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(" ", args)} did not finish in {timeoutSeconds} s");
        }
        return new ProcResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The MmsMpi CLI in one process (no mpiexec).</summary>
    public static ProcResult MmsMpi(params string[] args) => Run("dotnet", [Repo.MmsMpiDll, .. args]);

    /// <summary>The MmsMpi CLI under mpiexec through scripts/run-mpi.sh.</summary>
    public static ProcResult MmsMpiUnderMpi(int ranks, params string[] args) => MmsMpiUnderMpi("openmpi", ranks, args);

    /// <summary>The same under the mpiexec of one MPI family: "openmpi" (our shim) or "mpich" (MPI.NET).</summary>
    public static ProcResult MmsMpiUnderMpi(string family, int ranks, params string[] args) =>
        Run(Repo.Script("run-mpi.sh"), ["-n", ranks.ToString(), .. args],
            new Dictionary<string, string> { ["MMSMPI_DLL"] = Repo.MmsMpiDll, ["MMSMPI_MPI"] = family });

    /// <summary>Debian's python3 (which has python-casacore; the first python3 on PATH may not).</summary>
    public static ProcResult Python(string script, params string[] args) => Run("/usr/bin/python3", ["-c", script, .. args]);
}
