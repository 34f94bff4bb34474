using System.Text.Json;
using MmsMpi.Casacore;
using MmsMpi.Hdf5;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// Our libhdf5 binding (src/Hdf5.Interop) against h5py, the writer and reader of pyuvdata's files: datasets h5py wrote
/// (LZF-compressed chunks among them, complex numbers as compounds of float32, float64 and int32, h5py's boolean
/// enum, fixed and variable-length strings) read back exactly, and what the binding writes read exactly by h5py,
/// with the LZF filter in the pipeline.
/// </summary>
public class Hdf5Tests
{
    private const string WriteWithH5py = """
        import sys, h5py, numpy as np
        rng = np.random.default_rng(7)
        with h5py.File(sys.argv[1], 'w') as f:
            h = f.create_group('Header')
            h['Nbls'] = np.int64(351)
            h['freq_array'] = np.linspace(1e9, 1.1e9, 64)
            h['telescope_name'] = np.bytes_('HERA')
            h.create_dataset('history', data='made by h5py', dtype=h5py.string_dtype())
            d = f.create_group('Data')
            vis = (rng.normal(size=(100, 64, 4)) + 1j * rng.normal(size=(100, 64, 4))).astype(np.complex64)
            d.create_dataset('visdata', data=vis, chunks=(10, 64, 4), compression='lzf')
            d['vis128'] = vis.astype(np.complex128)
            d['visint'] = np.array([(1, -2), (3, 4)], dtype=[('r', '<i4'), ('i', '<i4')])
            d.create_dataset('flags', data=rng.random((100, 64, 4)) < 0.1, chunks=(10, 64, 4), compression='lzf')
            # noise that LZF cannot shrink: h5py stores such chunks unfiltered (PureHDF mis-decoded them)
            d.create_dataset('noise', data=rng.integers(0, 256, (64, 64), dtype=np.uint8).astype(np.float32) * np.float32(1e36),
                             chunks=(16, 64), compression='lzf')
        """;

    private const string DumpWithH5py = """
        import sys, json, h5py, numpy as np
        with h5py.File(sys.argv[1], 'r') as f:
            out = {}
            for name in sys.argv[2:]:
                d = f[name]
                v = d[()]
                if isinstance(v, bytes):
                    v = v.decode()
                elif isinstance(v, np.ndarray) and v.dtype.kind == 'c':
                    v = np.stack([v.real, v.imag], -1).tolist()
                elif isinstance(v, np.ndarray):
                    v = v.tolist()
                else:
                    v = v.item() if hasattr(v, 'item') else v
                out[name] = {'value': v, 'filters': list(d._filters.keys()) if d.chunks else [], 'dtype': str(d.dtype)}
            print(json.dumps(out))
        """;

    private static JsonElement Dump(string file, params string[] names)
    {
        var r = Proc.Python(DumpWithH5py, [file, .. names]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    [Test]
    public void ReadsWhatH5pyWrote()
    {
        using var tmp = new TempDir();
        var w = Proc.Python(WriteWithH5py, tmp["h.uvh5"]);
        Assert.That(w.ExitCode, Is.EqualTo(0), w.ToString());
        var expected = Dump(tmp["h.uvh5"], "Data/visdata", "Data/flags", "Data/noise", "Header/freq_array");

        Assert.That(H5File.IsHdf5(tmp["h.uvh5"]), Is.True);
        using var f = H5File.Open(tmp["h.uvh5"]);
        Assert.That(f.Exists("Header/Nbls") && !f.Exists("Header/Nblts") && !f.Exists("Nothing/here"), Is.True);
        using (var nbls = f.Dataset("Header/Nbls"))
            Assert.That((nbls.Dims, nbls.Read<long>(H5Types.Int64)[0], nbls.Type.IsInteger), Is.EqualTo((Array.Empty<ulong>(), 351L, true)));
        using (var name = f.Dataset("Header/telescope_name")) Assert.That(name.ReadString(), Is.EqualTo("HERA"));
        using (var history = f.Dataset("Header/history"))
            Assert.That((history.Type.VariableString, history.ReadString()), Is.EqualTo((true, "made by h5py")));
        using (var freq = f.Dataset("Header/freq_array"))
            Assert.That(freq.Read<double>(H5Types.Double), Is.EqualTo(expected.GetProperty("Header/freq_array").GetProperty("value").EnumerateArray().Select(x => x.GetDouble())));

        using var vis = f.Dataset("Data/visdata");
        Assert.That(vis.Dims, Is.EqualTo(new ulong[] { 100, 64, 4 }));
        Assert.That((vis.Type.IsComplex, vis.Filters()), Is.EqualTo((true, new[] { H5File.LzfFilter })));
        var values = vis.Read<ComplexF>(H5Types.ComplexFloat);
        var want = Flatten(expected.GetProperty("Data/visdata").GetProperty("value"));
        Assert.That(values.SelectMany(c => new double[] { c.Re, c.Im }), Is.EqualTo(want), "LZF-compressed complex64, bit for bit");
        using (var v128 = f.Dataset("Data/vis128"))
            Assert.That(v128.Read<ComplexF>(H5Types.ComplexFloat), Is.EqualTo(values), "complex128 converted by HDF5 to our complex64");
        using (var vint = f.Dataset("Data/visint"))
            Assert.That(vint.Read<int>(H5Types.ComplexInt32), Is.EqualTo(new[] { 1, -2, 3, 4 }));
        using (var flags = f.Dataset("Data/flags"))
        {
            Assert.That(flags.Type.IsEnum, Is.True, "h5py stores booleans as an enum of int8");
            Assert.That(flags.Read<bool>(H5Types.Bool).Select(b => b ? 1.0 : 0.0), Is.EqualTo(Flatten(expected.GetProperty("Data/flags").GetProperty("value"))));
        }
        using (var noise = f.Dataset("Data/noise"))
            Assert.That(noise.Read<float>(H5Types.Float).Select(x => (double)x), Is.EqualTo(Flatten(expected.GetProperty("Data/noise").GetProperty("value"))),
                "chunks LZF could not shrink are stored unfiltered and must not be decoded");
    }

    [Test]
    public void H5pyReadsWhatWeWroteWithLzf()
    {
        using var tmp = new TempDir();
        var rng = new Random(3);
        var vis = Enumerable.Range(0, 50 * 8 * 2).Select(_ => new ComplexF(rng.NextSingle(), rng.NextSingle() - 0.5f)).ToArray();
        var flags = vis.Select(v => v.Re < 0.2f).ToArray();
        var nsamples = vis.Select(v => v.Re * 4).ToArray();
        using (var f = H5File.Create(tmp["w.uvh5"]))
        {
            f.CreateGroup("Header");
            f.CreateGroup("Data");
            f.Write<long>("Header/Nblts", [50], [], H5Types.Int64);
            f.WriteString("Header/telescope_name", "ATA");
            f.Write<ComplexF>("Data/visdata", vis, [50, 8, 2], H5Types.ComplexFloat);
            f.Write<bool>("Data/flags", flags, [50, 8, 2], H5Types.Bool, lzfChunk: [10, 8, 2]);
            f.Write<float>("Data/nsamples", nsamples, [50, 8, 2], H5Types.Float, lzfChunk: [10, 8, 2]);
        }
        Assert.Throws<H5Exception>(() => H5File.Create(tmp["w.uvh5"]), "an existing file is not overwritten");
        var d = Dump(tmp["w.uvh5"], "Header/Nblts", "Header/telescope_name", "Data/visdata", "Data/flags", "Data/nsamples");
        Assert.That(d.GetProperty("Header/Nblts").GetProperty("value").GetInt64(), Is.EqualTo(50));
        Assert.That(d.GetProperty("Header/telescope_name").GetProperty("value").GetString(), Is.EqualTo("ATA"));
        Assert.That(d.GetProperty("Data/visdata").GetProperty("dtype").GetString(), Is.EqualTo("complex64"), "h5py sees our compound as complex");
        Assert.That(Flatten(d.GetProperty("Data/visdata").GetProperty("value")), Is.EqualTo(vis.SelectMany(c => new double[] { c.Re, c.Im })));
        Assert.That(d.GetProperty("Data/flags").GetProperty("dtype").GetString(), Is.EqualTo("bool"), "h5py sees our enum as bool");
        Assert.That(Flatten(d.GetProperty("Data/flags").GetProperty("value")), Is.EqualTo(flags.Select(b => b ? 1.0 : 0.0)));
        Assert.That(Flatten(d.GetProperty("Data/nsamples").GetProperty("value")), Is.EqualTo(nsamples.Select(x => (double)x)));
        foreach (var name in new[] { "Data/flags", "Data/nsamples" })
            Assert.That(d.GetProperty(name).GetProperty("filters").EnumerateArray().Select(x => x.GetString()), Does.Contain("lzf"), $"{name} is LZF-compressed");
    }

    /// <summary>Hyperslab writes into LZF chunks and hyperslab reads; string arrays, groups and h5py's Empty as h5py has them.</summary>
    [Test]
    public void HyperslabsStringArraysAndGroups()
    {
        using var tmp = new TempDir();
        var all = Enumerable.Range(0, 30 * 5 * 2).Select(i => (float)i).ToArray();
        using (var f = H5File.Create(tmp["s.h5"]))
        {
            f.CreateGroup("G");
            f.CreateGroup("G/7");
            f.WriteStrings("G/names", ["1a", "", "42c"]);
            using var ds = f.CreateDataset("G/x", [30, 5, 2], H5Types.Float, lzfChunk: [4, 5, 2]);
            // Out of order and across chunk boundaries, as exportuvh5 writes its blocks.
            ds.Write<float>(all.AsSpan(20 * 10, 10 * 10), H5Types.Float, [20, 0, 0], [10, 5, 2]);
            ds.Write<float>(all.AsSpan(0, 20 * 10), H5Types.Float, [0, 0, 0], [20, 5, 2]);
        }
        var r = Proc.Python("""
            import sys, h5py, numpy as np
            f = h5py.File(sys.argv[1], 'a')
            print(int((f['G/x'][()].ravel() == np.arange(300)).all()), f['G/x'].compression, [n.decode() for n in f['G/names'][()]])
            f['G/empty'] = h5py.Empty('f')
            """, tmp["s.h5"]);
        Assert.That(r.Stdout.Trim(), Is.EqualTo("1 lzf ['1a', '', '42c']"), r.ToString());
        using var g = H5File.Open(tmp["s.h5"]);
        Assert.That(g.Children("G"), Is.EqualTo(new[] { ("7", true), ("empty", false), ("names", false), ("x", false) }));
        using (var names = g.Dataset("G/names")) Assert.That(names.ReadStrings(), Is.EqualTo(new[] { "1a", "", "42c" }));
        using (var empty = g.Dataset("G/empty")) Assert.That(empty.IsEmpty, Is.True);
        using var x = g.Dataset("G/x");
        var slab = new float[3 * 2 * 2];
        x.Read<float>(slab, H5Types.Float, [5, 1, 0], [3, 2, 2]);
        Assert.That(slab, Is.EqualTo(new[] { 5, 6, 7 }.SelectMany(b => new[] { 1, 2 }.SelectMany(c => new[] { 0, 1 }.Select(p => (float)(b * 10 + c * 2 + p))))));
        Assert.Throws<ArgumentException>(() => x.Read<float>(new float[5], H5Types.Float, [0, 0, 0], [1, 2, 2]), "a buffer of the wrong size is refused");
    }

    [Test]
    public void AFileThatIsNotHdf5IsNamed()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["x.uvh5"], "not an HDF5 file");
        Assert.That(H5File.IsHdf5(tmp["x.uvh5"]), Is.False);
        var e = Assert.Throws<H5Exception>(() => H5File.Open(tmp["x.uvh5"]));
        Assert.That(e!.Message, Does.Contain("opening").And.Contain("x.uvh5"));
        using var f = H5File.Create(tmp["y.uvh5"]);
        Assert.That(Assert.Throws<H5Exception>(() => f.Dataset("Header/Nbls"))!.Message, Does.Contain("Header/Nbls"));
    }

    /// <summary>The two real ATA files of ../shared/data/uvh5: LZF flags and nsamples read, every value as h5py reads it.</summary>
    [Test]
    public void ReadsTheRealAtaFiles()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Shared, "data", "uvh5"), "*.uvh5"))
        {
            var expected = Dump(file, "Data/flags", "Data/nsamples");
            using var f = H5File.Open(file);
            using var flags = f.Dataset("Data/flags");
            using var nsamples = f.Dataset("Data/nsamples");
            Assert.That(flags.Filters(), Does.Contain(H5File.LzfFilter), file);
            Assert.That(flags.Read<bool>(H5Types.Bool).Select(b => b ? 1.0 : 0.0), Is.EqualTo(Flatten(expected.GetProperty("Data/flags").GetProperty("value"))), file);
            Assert.That(nsamples.Read<float>(H5Types.Float).Select(x => (double)x), Is.EqualTo(Flatten(expected.GetProperty("Data/nsamples").GetProperty("value"))), file);
        }
    }

    private static IEnumerable<double> Flatten(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? e.EnumerateArray().SelectMany(Flatten)
        : [e.ValueKind == JsonValueKind.True ? 1 : e.ValueKind == JsonValueKind.False ? 0 : e.GetDouble()];
}
