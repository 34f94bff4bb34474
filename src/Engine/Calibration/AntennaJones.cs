using System.Numerics;

namespace MmsMpi.Calibration;

/// <summary>
/// One table's Jones matrices (diagonal: one value per receptor) for every antenna and data channel at one time,
/// field and spw, whether each is usable (unflagged and non-zero), and the weight scale per antenna and receptor.
/// Tables with one parameter (T, single-polarization G) give both receptors the same value.
/// </summary>
public sealed class AntennaJones(int nant, int nchan)
{
    public int NAnt => nant;
    public int NChan => nchan;
    public readonly Complex[] J = new Complex[nant * 2 * nchan];
    public readonly bool[] Ok = new bool[nant * 2 * nchan];
    public readonly double[] WtScale = new double[nant * 2];

    public int Index(int ant, int receptor, int chan) => (ant * 2 + receptor) * nchan + chan;

    public AntennaJones Copy()
    {
        var c = new AntennaJones(nant, nchan);
        CopyTo(c);
        return c;
    }

    public void CopyTo(AntennaJones dest)
    {
        J.CopyTo(dest.J, 0);
        Ok.CopyTo(dest.Ok, 0);
        WtScale.CopyTo(dest.WtScale, 0);
    }

    /// <summary>An antenna without solutions: unusable everywhere, weights unscaled.</summary>
    public void SetMissing(int ant)
    {
        int at = Index(ant, 0, 0);
        Array.Clear(J, at, 2 * nchan);
        Array.Clear(Ok, at, 2 * nchan);
        WtScale[ant * 2] = WtScale[ant * 2 + 1] = 1;
    }
}
