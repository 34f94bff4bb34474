using System.Runtime.InteropServices;
using System.Text;

namespace MmsMpi.AOFlagger;

/// <summary>An AOFlagger strategy could not be loaded or run (the message is AOFlagger's).</summary>
public sealed class AoFlaggerException(string message) : Exception(message);

/// <summary>
/// An AOFlagger strategy loaded through libaoflagger (a telescope's default, chosen by OBSERVATION::TELESCOPE_NAME
/// as the aoflagger tool chooses it, or a Lua file), run on one baseline's planes at a time. Not thread-safe (one per
/// job). Non-finite values are left to the caller to flag per correlation (the strategy's flag_nans is taken out).
/// </summary>
public sealed partial class AoStrategy : IDisposable
{
    private const string Lib = "aofshim";
    private IntPtr _handle;

    /// <summary>The strategy file in use.</summary>
    public string Path { get; }

    private AoStrategy(IntPtr handle, string path) => (_handle, Path) = (handle, path);

    /// <param name="file">a Lua strategy, or empty for the telescope's default</param>
    public static AoStrategy Load(string file, string telescopeName)
    {
        var path = new byte[4096];
        var err = new byte[1024];
        var handle = aof_open(file, telescopeName, path, path.Length, err, err.Length);
        if (handle == IntPtr.Zero) throw new AoFlaggerException(Text(err));
        return new AoStrategy(handle, Text(path));
    }

    /// <summary>Runs the strategy on re/im planes of every correlation (2 × ncorr images of ntimes, time fastest, per
    /// channel) with the given flags (nchan × ntimes); returns the mask, nchan × ntimes.</summary>
    public bool[] Run(int ntimes, int nchan, int ncorr, float[] planes, bool[] existing)
    {
        if (ncorr is not (1 or 2 or 4)) throw new AoFlaggerException($"AOFlagger takes 1, 2 or 4 correlations, not {ncorr}");
        var err = new byte[1024];
        var given = existing.Select(b => (byte)(b ? 1 : 0)).ToArray();
        var mask = new byte[nchan * ntimes];
        if (aof_run(_handle, ntimes, nchan, ncorr, planes, given, mask, err, err.Length) != 0) throw new AoFlaggerException(Text(err));
        return mask.Select(b => b != 0).ToArray();
    }

    /// <summary>libaoflagger's version, e.g. "3.1.0".</summary>
    public static string Version()
    {
        aof_version(out int major, out int minor, out int sub);
        return $"{major}.{minor}.{sub}";
    }

    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        aof_close(_handle);
        _handle = IntPtr.Zero;
    }

    private static string Text(byte[] buffer) => Encoding.UTF8.GetString(buffer, 0, Math.Max(0, Array.IndexOf(buffer, (byte)0)));

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr aof_open(string file, string telescopeName, byte[] path, int pathlen, byte[] err, int errlen);

    [LibraryImport(Lib)]
    private static partial int aof_run(IntPtr handle, int ntimes, int nchan, int ncorr, float[] planes, byte[] existing, byte[] mask, byte[] err, int errlen);

    [LibraryImport(Lib)]
    private static partial void aof_close(IntPtr handle);

    [LibraryImport(Lib)]
    private static partial void aof_version(out int major, out int minor, out int sub);
}
