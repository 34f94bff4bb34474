namespace MmsMpi.Uvh5;

/// <summary>
/// Polarization codes: UVH5 carries AIPS Memo 117's (1..4 = I Q U V, −1..−4 = RR LL RL LR, −5..−8 = XX YY XY YX),
/// the MS casacore's Stokes types (1..4, 5..8 = RR RL LR LL, 9..12 = XX XY YX YY).
/// </summary>
public static class Polarizations
{
    /// <summary>CASA's correlation order (what pyuvdata's write_ms and CASA's fillers write).</summary>
    private static readonly int[] CasaOrder = [1, 2, 3, 4, -1, -3, -4, -2, -5, -7, -8, -6];

    /// <summary>AIPS order (pyuvdata's default order for UVH5).</summary>
    private static readonly int[] AipsOrder = [1, 2, 3, 4, -1, -2, -3, -4, -5, -6, -7, -8];

    private static readonly Dictionary<int, int> AipsToCasa = new()
    {
        [1] = 1, [2] = 2, [3] = 3, [4] = 4, [-1] = 5, [-3] = 6, [-4] = 7, [-2] = 8, [-5] = 9, [-7] = 10, [-8] = 11, [-6] = 12,
    };

    public static bool IsKnown(int aips) => AipsToCasa.ContainsKey(aips);

    public static int ToCorrType(int aips) => AipsToCasa[aips];

    public static int? FromCorrType(int corrType) => AipsToCasa.Where(kv => kv.Value == corrType).Select(kv => (int?)kv.Key).FirstOrDefault();

    /// <summary>The codes sorted into CASA's order.</summary>
    public static int[] InCasaOrder(IEnumerable<int> aips) => aips.OrderBy(c => Array.IndexOf(CasaOrder, c)).ToArray();

    /// <summary>The codes sorted into AIPS order.</summary>
    public static int[] InAipsOrder(IEnumerable<int> aips) => aips.OrderBy(c => Array.IndexOf(AipsOrder, c)).ToArray();

    /// <summary>The code of the same correlation seen from the other antenna: the cross hands swap (XY ↔ YX, RL ↔ LR).</summary>
    public static int Swapped(int aips) => aips switch { -3 => -4, -4 => -3, -7 => -8, -8 => -7, _ => aips };

    /// <summary>Receptor indices of the two antennas (X = R = 0, Y = L = 1) for CORR_PRODUCT; Stokes: (0, 0).</summary>
    public static (int, int) Receptors(int aips) => aips switch
    {
        -1 or -5 => (0, 0), -2 or -6 => (1, 1), -3 or -7 => (0, 1), -4 or -8 => (1, 0), _ => (0, 0),
    };

    /// <summary>The feeds' receptor types: R L for circular codes, X Y otherwise.</summary>
    public static string[] FeedTypes(IEnumerable<int> aips) => aips.Any(c => c is <= -1 and >= -4) ? ["R", "L"] : ["X", "Y"];
}
