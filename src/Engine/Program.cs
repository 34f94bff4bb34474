using System.CommandLine;
using MmsMpi;
using MmsMpi.Cli;

var root = new RootCommand("MmsMpi: MPI-parallel Multi-MS engine for radio-interferometry MeasurementSets");
foreach (var command in TaskCommands.All())
    root.Add(command);
return root.Parse(args).Invoke();
