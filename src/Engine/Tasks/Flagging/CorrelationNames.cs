namespace MmsMpi.Tasks.Flagging;

/// <summary>casacore's Stokes::StokesTypes codes of POLARIZATION/CORR_TYPE and their names (5 = RR, 9 = XX, ...).</summary>
public static class CorrelationNames
{
    private static readonly string[] Names =
    [
        "Undefined", "I", "Q", "U", "V", "RR", "RL", "LR", "LL", "XX", "XY", "YX", "YY",
        "RX", "RY", "LX", "LY", "XR", "XL", "YR", "YL", "PP", "PQ", "QP", "QQ",
    ];

    public static string Name(int code) => code >= 0 && code < Names.Length ? Names[code] : $"CORR{code}";

    /// <summary>The code of a product name, or -1.</summary>
    public static int Code(string name) => Array.IndexOf(Names, name.ToUpperInvariant()) is var i && i > 0 ? i : -1;
}
