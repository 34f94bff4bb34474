using System.CommandLine;

namespace MmsMpi.Cli;

/// <summary>Small factories for the options every task has, so each command reads the same way.</summary>
public static class Options
{
    public static Option<string> Text(string name, string description, string defaultValue = "", bool required = false) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue, Required = required };

    /// <summary>A CASA-style boolean: --flag true|false (also bare --flag for true).</summary>
    public static Option<bool> Bool(string name, string description, bool defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue, Arity = ArgumentArity.ZeroOrOne };
}
