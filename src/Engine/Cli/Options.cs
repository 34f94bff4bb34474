using System.CommandLine;
using MmsMpi.Heuristics;

namespace MmsMpi.Cli;

/// <summary>Small factories for the options every task has, so each command reads the same way.</summary>
public static class Options
{
    /// <summary>A text parameter; a required one has no default, so leaving it out is a parse error naming it.</summary>
    public static Option<string> Text(string name, string description, string defaultValue = "", bool required = false) =>
        required ? new(name) { Description = description, Required = true }
            : new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>A CASA-style boolean: --flag true|false (also bare --flag for true).</summary>
    public static Option<bool> Bool(string name, string description, bool defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue, Arity = ArgumentArity.ZeroOrOne };

    /// <summary>
    /// --nthreads, on every command: jobs run at once by a process without mpiexec (sub-MSs of an MMS; DP3's numthreads,
    /// CASA's nthreads), the threads left over going to a job's own compute (<see cref="Runtime.ComputeThreads"/>:
    /// tfcrop's baselines, mstransform's row blocks). Under mpiexec each worker rank runs one job at a time on one
    /// thread and the option is not used.
    /// </summary>
    public static readonly Option<int> NThreads = new("--nthreads")
    {
        Description = "Threads of this process without mpiexec: jobs (sub-MSs) at once, the rest for a job's compute (tfcrop, rflag, mstransform's steps) [default: the cores]",
        DefaultValueFactory = _ => Environment.ProcessorCount, Recursive = true,
    };

    /// <summary>--resume: continue the interrupted run of the same command (its staging, or its flags marker).</summary>
    public static Option<bool> Resume() =>
        Bool("--resume", "Continue an interrupted run of this same command: keep what it completed, run the rest", false);
}

/// <summary>The options of a Multi-MS output made from a plain MS: createmms, separationaxis, numsubms.</summary>
public sealed class MmsOutputOptions(string createMmsDescription, bool createMmsDefault)
{
    public readonly Option<bool> CreateMms = Options.Bool("--createmms", createMmsDescription, createMmsDefault);
    public readonly Option<string> SeparationAxis = Options.Text("--separationaxis", "auto, scan, spw or baseline", "auto");

    /// <summary>The separation axis as the enum the tasks take (an unknown value is the user's error).</summary>
    public SeparationAxis Axis(ParseResult r)
    {
        try { return SeparationAxes.Parse(r.GetValue(SeparationAxis)!); }
        catch (ArgumentException e) { throw new UserError(e.Message); }
    }
    public readonly Option<string> NumSubMs = Options.Text("--numsubms", "Number of sub-MSs, or 'auto' (worker ranks; 8 without MPI)", "auto");

    public Option[] All => [CreateMms, SeparationAxis, NumSubMs];
}
