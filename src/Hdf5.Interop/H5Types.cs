namespace MmsMpi.Hdf5;

/// <summary>
/// Memory types for reading and writing: native numbers, complex numbers as h5py stores them (a compound of "r" and
/// "i"), booleans as h5py's enum of int8 (FALSE = 0, TRUE = 1), fixed-length strings. Created once per process.
/// </summary>
public static class H5Types
{
    public static long Float { get; } = Native.Global("H5T_NATIVE_FLOAT_g");
    public static long Double { get; } = Native.Global("H5T_NATIVE_DOUBLE_g");
    public static long Int32 { get; } = Native.Global("H5T_NATIVE_INT_g");
    public static long Int64 { get; } = Native.Global("H5T_NATIVE_LLONG_g");
    public static long Int8 { get; } = Native.Global("H5T_NATIVE_SCHAR_g");
    public static long ComplexFloat { get; } = Complex(Float, 4);
    public static long ComplexDouble { get; } = Complex(Double, 8);
    public static long ComplexInt32 { get; } = Complex(Int32, 4);
    public static long Bool { get; } = BoolEnum();

    /// <summary>
    /// A fixed-length string type of n bytes, NUL-padded as numpy's bytes are (a NUL-terminated type would drop the last
    /// character of a full-length string); the caller closes it with <see cref="Close"/>.
    /// </summary>
    public static long FixedString(int n)
    {
        long t = H5Exception.Check(Native.H5Tcopy(Native.Global("H5T_C_S1_g")), "H5Tcopy");
        H5Exception.Check(Native.H5Tset_size(t, (nuint)Math.Max(n, 1)), "H5Tset_size");
        H5Exception.Check(Native.H5Tset_strpad(t, Native.StrNullPad), "H5Tset_strpad");
        return t;
    }

    public static void Close(long type) => Native.H5Tclose(type);

    private static long Complex(long part, int size)
    {
        long t = H5Exception.Check(Native.H5Tcreate(Native.ClassCompound, (nuint)(2 * size)), "H5Tcreate");
        H5Exception.Check(Native.H5Tinsert(t, "r", 0, part), "H5Tinsert");
        H5Exception.Check(Native.H5Tinsert(t, "i", (nuint)size, part), "H5Tinsert");
        return t;
    }

    private static unsafe long BoolEnum()
    {
        long t = H5Exception.Check(Native.H5Tenum_create(Native.Global("H5T_NATIVE_SCHAR_g")), "H5Tenum_create");
        sbyte no = 0, yes = 1;
        H5Exception.Check(Native.H5Tenum_insert(t, "FALSE", &no), "H5Tenum_insert");
        H5Exception.Check(Native.H5Tenum_insert(t, "TRUE", &yes), "H5Tenum_insert");
        return t;
    }
}

/// <summary>The libhdf5 in use.</summary>
public static class H5Library
{
    public static string Version
    {
        get
        {
            H5Exception.Check(Native.H5get_libversion(out uint major, out uint minor, out uint release), "H5get_libversion");
            return $"{major}.{minor}.{release}";
        }
    }
}

/// <summary>What a dataset's file type is, as far as a reader must know to pick a memory type.</summary>
public sealed record H5TypeInfo(int Class, int Size, bool Signed, IReadOnlyList<(string Name, int Class, int Size)> Members, bool VariableString)
{
    public bool IsInteger => Class == Native.ClassInteger;
    public bool IsFloat => Class == Native.ClassFloat;
    public bool IsString => Class == Native.ClassString;
    public bool IsEnum => Class == Native.ClassEnum;

    /// <summary>A compound of two members "r" and "i" (h5py's complex numbers, or an integer pair).</summary>
    public bool IsComplex => Class == Native.ClassCompound && Members.Count == 2 && Members[0].Name == "r" && Members[1].Name == "i";

    internal static unsafe H5TypeInfo Of(long type)
    {
        int cls = Native.H5Tget_class(type);
        var members = new List<(string, int, int)>();
        if (cls == Native.ClassCompound)
            for (uint i = 0; i < Native.H5Tget_nmembers(type); i++)
            {
                nint name = Native.H5Tget_member_name(type, i);
                long m = Native.H5Tget_member_type(type, i);
                members.Add((System.Runtime.InteropServices.Marshal.PtrToStringUTF8(name) ?? "", Native.H5Tget_class(m), (int)Native.H5Tget_size(m)));
                Native.H5free_memory(name);
                Native.H5Tclose(m);
            }
        return new H5TypeInfo(cls, (int)Native.H5Tget_size(type), cls == Native.ClassInteger && Native.H5Tget_sign(type) == 1, members,
            cls == Native.ClassString && Native.H5Tis_variable_str(type) > 0);
    }
}
