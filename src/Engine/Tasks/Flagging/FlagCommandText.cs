using System.Text;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// CASA's flag-command syntax (flagdata list mode, flagcmd): one command per line, `key=value` pairs separated by
/// blanks, values quoted with ' or " (blanks allowed inside), lists in [ ], or bare words and numbers, e.g.
/// <c>mode='manual' antenna='ea01' scan='2'</c> or <c>mode='clip' clipminmax=[0,50] clipzeros=True</c>.
/// Blank lines and lines starting with # are not commands.
/// </summary>
public static class FlagCommandText
{
    public static bool IsCommand(string line) => line.Trim() is var t && t.Length > 0 && !t.StartsWith('#');

    /// <summary>Splits a command into its parameters; a malformed line is a UserError naming it.</summary>
    public static Dictionary<string, string> Parse(string line)
    {
        var result = new Dictionary<string, string>();
        int i = 0;
        string Fail(string why) => throw new UserError($"malformed flag command \"{line.Trim()}\": {why}");
        while (true)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            if (i == line.Length) break;
            int keyStart = i;
            while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] == '_')) i++;
            var key = line[keyStart..i].ToLowerInvariant();
            if (key.Length == 0) Fail($"expected a parameter name at '{line[keyStart..]}'");
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            if (i == line.Length || line[i] != '=') Fail($"expected '=' after '{key}'");
            i++;
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            var value = new StringBuilder();
            if (i < line.Length && line[i] is '\'' or '"')
            {
                char quote = line[i++];
                int end = line.IndexOf(quote, i);
                if (end < 0) Fail($"unterminated quote in the value of '{key}'");
                value.Append(line, i, end - i);
                i = end + 1;
            }
            else if (i < line.Length && line[i] == '[')
            {
                int end = line.IndexOf(']', i);
                if (end < 0) Fail($"unterminated list in the value of '{key}'");
                value.Append(line, i, end - i + 1);
                i = end + 1;
            }
            else
            {
                while (i < line.Length && !char.IsWhiteSpace(line[i])) value.Append(line[i++]);
                if (value.Length == 0) Fail($"missing value of '{key}'");
            }
            if (i < line.Length && !char.IsWhiteSpace(line[i])) Fail($"expected a blank after the value of '{key}'");
            if (!result.TryAdd(key, value.ToString())) Fail($"'{key}' is given twice");
        }
        if (result.Count == 0) Fail("no parameters");
        return result;
    }
}
