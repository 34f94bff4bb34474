using MmsMpi.Hdf5;

namespace MmsMpi.Tasks.Uvh5;

/// <summary>importuvh5's --vis: files separated by commas, directories (their *.uvh5 files) or glob patterns.</summary>
public static class Uvh5Inputs
{
    public static IReadOnlyList<string> Resolve(string vis)
    {
        if (string.IsNullOrWhiteSpace(vis)) throw new UserError("Please specify vis (UVH5 files).");
        var files = new List<string>();
        foreach (var item in vis.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var full = Path.GetFullPath(item);
            if (Directory.Exists(full))
            {
                var found = Directory.GetFiles(full, "*.uvh5").Order().ToList();
                if (found.Count == 0) throw new UserError($"the directory {item} holds no *.uvh5 files");
                files.AddRange(found);
            }
            else if (item.IndexOfAny(['*', '?']) >= 0)
            {
                string dir = Path.GetDirectoryName(full)!, pattern = Path.GetFileName(full);
                var found = Directory.Exists(dir) && pattern.Length > 0 ? Directory.GetFiles(dir, pattern).Order().ToList() : [];
                if (found.Count == 0) throw new UserError($"no file matches {item}");
                files.AddRange(found);
            }
            else if (File.Exists(full)) files.Add(full);
            else throw new UserError($"UVH5 file not found: '{item}'");
        }
        foreach (var dup in files.GroupBy(f => f).Where(g => g.Count() > 1).Take(1)) throw new UserError($"{dup.Key} is given twice");
        foreach (var f in files.Where(f => !IsHdf5(f)).Take(1)) throw new UserError($"{Path.GetFileName(f)}: not an HDF5 file (UVH5 files are HDF5)");
        return files;
    }

    private static bool IsHdf5(string file)
    {
        try { return H5File.IsHdf5(file); }
        catch (H5Exception) { return false; }
    }
}
