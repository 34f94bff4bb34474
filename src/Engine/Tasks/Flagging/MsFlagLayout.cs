using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// What flagging needs from an MS's subtables, read once per MS: the cell shape, spw and polarization of every DDI,
/// correlation types, antenna names and dish diameters, field names, and which processors are correlators (CAS-5286:
/// autocorr flags only those).
/// </summary>
public sealed record MsFlagLayout(int[] DdiSpw, int[] DdiPol, int[] SpwNChan, int[][] PolCorrTypes, string[] AntennaNames,
    double[] DishDiameters, string[] FieldNames, bool[] ProcessorIsCorrelator)
{
    /// <summary>ANTENNA POSITION (ITRF, metres), 3 values per antenna (elevation mode).</summary>
    public double[] AntennaPositions { get; init; } = [];

    /// <summary>FIELD PHASE_DIR (J2000 RA, Dec in radians) per field, 2 values per field (elevation mode).</summary>
    public double[] FieldDirections { get; init; } = [];

    public int NChan(int ddi) => SpwNChan[DdiSpw[ddi]];

    public int NCorr(int ddi) => PolCorrTypes[DdiPol[ddi]].Length;

    /// <summary>A processor id counts as a correlator when PROCESSOR is empty or its TYPE says CORRELATOR.</summary>
    public bool IsCorrelator(int processor) => ProcessorIsCorrelator.Length == 0 || processor < 0 || processor >= ProcessorIsCorrelator.Length
        || ProcessorIsCorrelator[processor];

    public static MsFlagLayout Read(CasaTable ms)
    {
        using var dd = ms.OpenSubtable("DATA_DESCRIPTION");
        using var spw = ms.OpenSubtable("SPECTRAL_WINDOW");
        using var pol = ms.OpenSubtable("POLARIZATION");
        using var ant = ms.OpenSubtable("ANTENNA");
        using var field = ms.OpenSubtable("FIELD");
        var corrTypes = Enumerable.Range(0, (int)pol.NRow).Select(r => pol.GetCell<int>("CORR_TYPE", r)).ToArray();
        bool[] correlator = [];
        if (ms.SubtableNames.Contains("PROCESSOR"))
        {
            using var proc = ms.OpenSubtable("PROCESSOR");
            correlator = proc.GetStrings("TYPE").Select(t => t.Trim().Equals("CORRELATOR", StringComparison.OrdinalIgnoreCase)).ToArray();
        }
        return new MsFlagLayout(dd.GetColumn<int>("SPECTRAL_WINDOW_ID"), dd.GetColumn<int>("POLARIZATION_ID"), spw.GetColumn<int>("NUM_CHAN"),
            corrTypes, ant.GetStrings("NAME"), ant.GetColumn<double>("DISH_DIAMETER"), field.GetStrings("NAME"), correlator)
        {
            AntennaPositions = Enumerable.Range(0, (int)ant.NRow).SelectMany(r => ant.GetCell<double>("POSITION", r)).ToArray(),
            FieldDirections = Enumerable.Range(0, (int)field.NRow).SelectMany(r => field.GetCell<double>("PHASE_DIR", r).Take(2)).ToArray(),
        };
    }
}
