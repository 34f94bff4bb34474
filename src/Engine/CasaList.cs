namespace MmsMpi;

/// <summary>
/// CASA's list parameters (command line, cal library): one value per occurrence of the option (--interp nearest --interp
/// linear,linear), or the Python list literal CASA takes ("['nearest','linear,linear']", "[[],[0,0,1]]").
/// </summary>
public static class CasaList
{
    /// <summary>The entries: a literal's top-level items (quotes removed, nested lists kept as their text), or the values as given.</summary>
    public static IReadOnlyList<string> Items(string[]? values, string name)
    {
        if (values is not { Length: > 0 }) return [];
        if (values.Length == 1 && values[0].TrimStart().StartsWith('[')) return Literal(values[0], name);
        return values;
    }

    /// <summary>Whether a literal is a flat list of numbers ("[0,0,1]"), which CASA reads as the first table's spwmap.</summary>
    public static bool IsFlatList(string[]? values) =>
        values is [var v] && v.TrimStart().StartsWith('[') && !v.Trim()[1..].Contains('[');

    public static int[] Ints(string item, string name)
    {
        var inner = item.Trim().TrimStart('[').TrimEnd(']');
        return inner.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(x => int.TryParse(x, out var i) ? i : throw new UserError($"{name}: '{x}' is not an integer (in '{item}')")).ToArray();
    }

    public static bool Bool(string item, string name) => item.Trim().ToLowerInvariant() switch
    {
        "true" or "t" or "1" => true,
        "false" or "f" or "0" => false,
        _ => throw new UserError($"{name}: '{item}' must be True or False"),
    };

    private static List<string> Literal(string text, string name)
    {
        var s = text.Trim();
        if (!s.EndsWith(']')) throw new UserError($"{name}: unbalanced brackets in '{text}'");
        var items = new List<string>();
        var current = new System.Text.StringBuilder();
        int depth = 0;
        char quote = '\0';
        bool any = false;
        foreach (char ch in s[1..^1])
        {
            if (quote != '\0') { if (ch == quote) quote = '\0'; else current.Append(ch); continue; }
            switch (ch)
            {
                case '\'' or '"' when depth == 0: quote = ch; any = true; break;
                case '[': depth++; current.Append(ch); break;
                case ']': depth--; current.Append(ch); break;
                case ',' when depth == 0: items.Add(current.ToString().Trim()); current.Clear(); any = false; break;
                default: current.Append(ch); if (!char.IsWhiteSpace(ch)) any = true; break;
            }
        }
        if (quote != '\0' || depth != 0) throw new UserError($"{name}: unbalanced quotes or brackets in '{text}'");
        if (any || items.Count > 0) items.Add(current.ToString().Trim());
        return items;
    }
}
