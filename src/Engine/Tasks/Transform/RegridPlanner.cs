using MmsMpi.Casacore;
using MmsMpi.Heuristics;
using MmsMpi.Kernels;

namespace MmsMpi.Tasks.Transform;

/// <summary>
/// Builds the regrid plan of every selected DDI from the input's subtables (fact sheet §5.4): input frame from the
/// spw's MEAS_FREQ_REF, observatory from OBSERVATION row 0 (or the array centre when casacore does not know it),
/// phase centre from --phasecenter (a field id) or the first selected field, one reference epoch for the grid.
/// </summary>
public static class RegridPlanner
{
    /// <param name="inputGrid">Per DDI, the channel frequencies/widths entering the regrid (after channel averaging).</param>
    public static Dictionary<int, RegridPlan> Plan(CasaTable ms, TransformOptions o, IReadOnlyDictionary<int, (double[] Freq, double[] Width)> inputGrid,
        IReadOnlyDictionary<int, DdiInfo> ddis, int firstField, double refEpoch)
    {
        using var spw = ms.OpenSubtable("SPECTRAL_WINDOW");
        var (ra, dec) = PhaseCentre(ms, o.PhaseCenter, firstField);
        var frame = ObservatoryFrame(ms, refEpoch, ra, dec);
        var measRef = spw.GetColumn<int>("MEAS_FREQ_REF");
        var method = ParseInterpolation(o.Interpolation);
        // With nspw > 1, nchan is per output spw (CASA multiplies it by nspw).
        var request = new RegridRequest(o.Mode, o.NChan > 0 && o.NSpw > 1 ? o.NChan * o.NSpw : o.NChan, o.Start, o.Width, o.RestFreq, o.VelType);
        var plans = new Dictionary<int, RegridPlan>();
        foreach (var (ddi, (freq, width)) in inputGrid)
        {
            var inFrame = (FreqFrame)measRef[ddis[ddi].Spw];
            var outFrame = FrequencyFrames.ParseOutFrame(o.OutFrame) ?? inFrame;
            var (cf, cw) = FrequencyFrames.ConvertChannels(freq, width, inFrame, outFrame, frame);
            RegridResult grid;
            try { grid = RegridGrid.Build(cf, cw, request); }
            catch (ArgumentException e) { throw new UserError($"regridding spw {ddis[ddi].Spw}: {e.Message}"); }
            // CASA's checkAndPreaverageChannelsIfNeeded: floor(ratio + 0.001) ≥ 2 and 2·factor ≤ nchan.
            int factor = (int)Math.Floor(Math.Abs(grid.Width[0] / cw[0]) + 0.001);
            if (factor < 2 || 2 * factor > freq.Length) factor = 1;
            if (factor > 1 && o.Preaverage)
                Log.For<RegridStep>().Warn($"spw {ddis[ddi].Spw}: preaverage box-averages {factor} channels before regridding, which does not regrid properly");
            plans[ddi] = new RegridPlan(freq, inFrame, outFrame, frame, grid.Freq, grid.WeightScale, method)
                { OutWidth = grid.Width, Factor = factor, Preaverage = o.Preaverage };
        }
        return plans;
    }

    public static void Validate(TransformOptions o)
    {
        try
        {
            RegridGrid.Validate(new RegridRequest(o.Mode, o.NChan, o.Start, o.Width, o.RestFreq, o.VelType));
            FrequencyFrames.ParseOutFrame(o.OutFrame);
        }
        catch (ArgumentException e) { throw new UserError(e.Message); }
        ParseInterpolation(o.Interpolation);
        var pc = o.PhaseCenter.Trim();
        if (pc.Length == 0) return;
        if (!DirectionText.LooksLikeDirection(pc) && !int.TryParse(pc, out _))
            throw new UserError($"phasecenter '{pc}' must be a FIELD id or 'J2000 RA DEC'");
        try { if (DirectionText.LooksLikeDirection(pc)) DirectionText.Parse(pc); }
        catch (ArgumentException e) { throw new UserError(e.Message); }
    }

    /// <summary>The direction of the frame conversions: a J2000 direction string, a FIELD id, or the first selected field.</summary>
    private static (double Ra, double Dec) PhaseCentre(CasaTable ms, string phaseCenter, int firstField)
    {
        var pc = phaseCenter.Trim();
        if (DirectionText.LooksLikeDirection(pc)) return DirectionText.Parse(pc);
        using var field = ms.OpenSubtable("FIELD");
        int id = pc.Length == 0 ? firstField : int.Parse(pc);
        if (id < 0 || id >= field.NRow) throw new UserError($"phasecenter field {id} does not exist");
        var dir = field.GetCell<double>("PHASE_DIR", id);
        return (dir[0], dir[1]);
    }

    /// <summary>Telescope names CASA's observatory table knows but Debian's casacore data does not.</summary>
    private static readonly Dictionary<string, string> ObservatoryAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EVLA"] = "VLA",
        ["JVLA"] = "VLA",
    };

    private static FrameContext ObservatoryFrame(CasaTable ms, double epoch, double ra, double dec)
    {
        using var obs = ms.OpenSubtable("OBSERVATION");
        var name = obs.NRow > 0 ? obs.GetString("TELESCOPE_NAME", 0) : "";
        name = ObservatoryAliases.GetValueOrDefault(name, name);
        if (FrequencyFrames.IsKnownObservatory(name)) return FrameContext.AtObservatory(name, epoch, ra, dec);
        using var ant = ms.OpenSubtable("ANTENNA");
        var pos = Enumerable.Range(0, (int)ant.NRow).Select(r => ant.GetCell<double>("POSITION", r)).ToList();
        var centre = new ItrfPosition(pos.Average(p => p[0]), pos.Average(p => p[1]), pos.Average(p => p[2]));
        return FrameContext.AtPosition(centre, epoch, ra, dec);
    }

    private static InterpolationMethod ParseInterpolation(string text) => text.Trim().ToLowerInvariant() switch
    {
        "linear" => InterpolationMethod.Linear,
        "nearest" => InterpolationMethod.Nearest,
        "cubic" => InterpolationMethod.Cubic,
        "spline" => InterpolationMethod.Spline,
        "fftshift" => InterpolationMethod.FftShift,
        _ => throw new UserError($"unknown interpolation '{text}': use nearest, linear, cubic, spline or fftshift"),
    };
}
