using System.Globalization;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// CASA's addantenna file for shadow: antennas that are not in the MS, one block per antenna of
/// <c>name=VLA01</c>, <c>diameter=25.0</c> and <c>position=[x, y, z]</c> (ITRF metres) lines; '#' starts a comment.
/// </summary>
public static class AddAntenna
{
    public static IReadOnlyList<ExtraAntenna> Read(string path)
    {
        if (!File.Exists(path)) throw new UserError($"shadow: addantenna file '{path}' not found");
        var antennas = new List<ExtraAntenna>();
        string? name = null;
        double? diameter = null;
        double[]? position = null;
        void Finish()
        {
            if (name is null) return;
            if (diameter is null || position is null) throw new UserError($"shadow: antenna '{name}' in {path} needs both diameter and position");
            antennas.Add(new ExtraAntenna(name, diameter.Value, position[0], position[1], position[2]));
            (name, diameter, position) = (null, null, null);
        }
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            int eq = line.IndexOf('=');
            if (eq < 0) throw new UserError($"shadow: cannot read '{line}' in {path} (expected name=, diameter= or position=)");
            var (key, value) = (line[..eq].Trim().ToLowerInvariant(), line[(eq + 1)..].Trim().Trim('\'', '"'));
            switch (key)
            {
                case "name": Finish(); name = value; break;
                case "diameter": diameter = Parse(value, line, path); break;
                case "position":
                    var xyz = value.Trim('[', ']').Split(',').Select(v => Parse(v, line, path)).ToArray();
                    position = xyz.Length == 3 ? xyz : throw new UserError($"shadow: position needs 3 values (ITRF x, y, z in m) in '{line}'");
                    break;
                default: throw new UserError($"shadow: unknown key '{key}' in {path}");
            }
            if (name is null) throw new UserError($"shadow: '{line}' in {path} comes before any name=");
        }
        Finish();
        return antennas.Count > 0 ? antennas : throw new UserError($"shadow: no antenna in addantenna file {path}");
    }

    private static double Parse(string v, string line, string path) =>
        double.TryParse(v.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw new UserError($"shadow: '{v.Trim()}' is not a number in '{line}' ({path})");
}
