namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// flagdata list mode's inpfile: each value is a file of commands (one per line) or a command string itself, in order.
/// With reason other than 'any', only commands whose reason is in the (comma-separated) list are kept (CASA's
/// reason parameter); a list that leaves no command is an error.
/// </summary>
public static class FlagCommandList
{
    public static IReadOnlyList<FlagCommand> Read(IReadOnlyList<string> inpfile, string reason)
    {
        if (inpfile.Count == 0 || inpfile.All(string.IsNullOrWhiteSpace))
            throw new UserError("mode 'list' needs inpfile: a file of flag commands or command strings");
        var lines = new List<string>();
        foreach (var value in inpfile)
        {
            if (File.Exists(value)) lines.AddRange(File.ReadAllLines(value));
            else if (value.Contains('=')) lines.AddRange(value.Split('\n'));
            else throw new UserError($"inpfile '{value}' is neither a file nor a flag command");
        }
        var commands = lines.Where(FlagCommandText.IsCommand)
            .Select(l => FlagParameters.Build(FlagCommandText.Parse(l), l.Trim()))
            .ToList();
        if (commands.Count == 0) throw new UserError("inpfile holds no flag command");
        var reasons = reason.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (reasons.Length == 0 || reasons.Contains("any", StringComparer.OrdinalIgnoreCase)) return commands;
        var kept = commands.Where(c => reasons.Contains(c.Reason)).ToList();
        return kept.Count > 0 ? kept : throw new UserError($"no flag command has reason {string.Join(" or ", reasons.Select(r => $"'{r}'"))}");
    }
}
