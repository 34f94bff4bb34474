using MmsMpi.Kernels;
using System.Runtime.CompilerServices;
using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Flagging;

/// <summary>The complex-to-real function of a visibility expression (CASA's VisMapper).</summary>
public enum VisFunction { Abs, Real, Imag, Arg, Norm }

/// <summary>
/// A clip/tfcrop visibility expression such as 'ABS_RR', 'REAL XX,YY', 'ABS_ALL' or 'ABS_I': a function and the
/// correlation products or Stokes parameters it is evaluated on ('ALL' = every product of each polarization setup).
/// Stokes from correlations: I=(XX+YY)/2 or (RR+LL)/2, Q=(XX−YY)/2 or (RL+LR)/2, U=(XY+YX)/2 or (RL−LR)/2i,
/// V=(XY−YX)/2i or (RR−LL)/2; a Stokes value flags the correlations it is made of.
/// </summary>
/// <remarks>
/// Parsed by tokens. CASA's VisMapper matches substrings of the whole text, so e.g. 'IMAG_RR' also selects Stokes I;
/// that quirk is not reproduced. Unknown functions and products are errors (CASA warns and uses ABS).
/// </remarks>
public sealed record VisExpression(VisFunction Function, string[] Products)
{
    public bool IsAll => Products is ["ALL"];

    private static readonly string[] Functions = ["ABS", "REAL", "IMAG", "ARG", "NORM"];
    private static readonly string[] Stokes = ["I", "Q", "U", "V"];

    /// <summary>Parses CASA's text; empty means the column's default (ABS ALL, or REAL ALL for float columns).</summary>
    public static VisExpression Parse(string text, bool floatColumn)
    {
        var t = text.Trim().ToUpperInvariant();
        var fallback = floatColumn ? VisFunction.Real : VisFunction.Abs;
        if (t.Length == 0) return new VisExpression(fallback, ["ALL"]);
        int sep = t.IndexOfAny(['_', ' ']);
        string head = sep < 0 ? t : t[..sep];
        VisFunction function = fallback;
        string rest = t;
        if (Functions.Contains(head))
        {
            function = Enum.Parse<VisFunction>(head, ignoreCase: true);
            rest = sep < 0 ? "ALL" : t[(sep + 1)..];
        }
        var products = rest.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (products.Length == 0) products = ["ALL"];
        foreach (var p in products.Where(p => p != "ALL" && !Stokes.Contains(p) && CorrelationNames.Code(p) < 0))
            throw new UserError($"unsupported correlation '{p}' in the expression '{text}': use ALL, products such as RR,LL or XX,YY, or I, Q, U, V");
        if (products.Contains("ALL") && products.Length > 1)
            throw new UserError($"the expression '{text}' mixes ALL with other products");
        // Float columns have no complex operator: CASA falls back to REAL with a warning.
        if (floatColumn && function != VisFunction.Real)
        {
            Log.For<VisExpression>().Warn($"Unsupported visibility expression: {text}; selecting REAL by default. Complex operators are not supported for FLOAT_DATA/WEIGHT_SPECTRUM");
            function = VisFunction.Real;
        }
        return new VisExpression(function, products);
    }

    /// <summary>The terms this expression evaluates for a polarization setup with the given CORR_TYPE codes (those available).</summary>
    public IReadOnlyList<VisTerm> TermsFor(IReadOnlyList<int> corrTypes)
    {
        int Index(string name) => corrTypes.ToList().IndexOf(CorrelationNames.Code(name));
        if (IsAll)
            return corrTypes.Select((c, i) => (c, i)).Where(x => CorrelationNames.Name(x.c) != "I")
                .Select(x => VisTerm.Single(CorrelationNames.Name(x.c), x.i)).ToList();
        var terms = new List<VisTerm>();
        foreach (var p in Products)
        {
            var term = Index(p) >= 0 ? VisTerm.Single(p, Index(p))
                : Stokes.Contains(p) ? VisTerm.Stokes(p, Index("XX"), Index("YY"), Index("XY"), Index("YX"), Index("RR"), Index("LL"), Index("RL"), Index("LR"))
                : null;
            if (term is not null) terms.Add(term);
        }
        return terms;
    }

    public override string ToString() => $"{Function.ToString().ToUpperInvariant()} {string.Join(",", Products)}";
}

/// <summary>
/// One real value per cell to test: a combination of the correlations of a row at one channel (weights w, applied in
/// single precision as CASA's VisMapper does), then the function. The correlations it reads are those it flags.
/// </summary>
public sealed record VisTerm(string Name, int[] Corrs, ComplexF[] Weights)
{
    public static VisTerm Single(string name, int corr) => new(name, [corr], [new(1, 0)]);

    private static readonly ComplexF Half = new(0.5f, 0), MinusHalf = new(-0.5f, 0), HalfOverI = new(0, -0.5f), MinusHalfOverI = new(0, 0.5f);

    /// <summary>A Stokes parameter from the linear or circular products present (-1 = absent), or null when impossible.</summary>
    public static VisTerm? Stokes(string s, int xx, int yy, int xy, int yx, int rr, int ll, int rl, int lr)
    {
        static bool Has(int a, int b) => a >= 0 && b >= 0;
        return s switch
        {
            "I" when Has(xx, yy) => new(s, [xx, yy], [Half, Half]),
            "I" when Has(rr, ll) => new(s, [rr, ll], [Half, Half]),
            "Q" when Has(xx, yy) => new(s, [xx, yy], [Half, MinusHalf]),
            "Q" when Has(rl, lr) => new(s, [rl, lr], [Half, Half]),
            "U" when Has(xy, yx) => new(s, [xy, yx], [Half, Half]),
            "U" when Has(rl, lr) => new(s, [rl, lr], [HalfOverI, MinusHalfOverI]),
            "V" when Has(xy, yx) => new(s, [xy, yx], [HalfOverI, MinusHalfOverI]),
            "V" when Has(rr, ll) => new(s, [rr, ll], [Half, MinusHalf]),
            _ => null,
        };
    }

    /// <summary>The value of this term for one cell's correlations (corr fastest, as stored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // per cell and term (clip, tfcrop)
    public float Evaluate(VisFunction function, ReadOnlySpan<ComplexF> corrs)
    {
        var (re, im) = Combine(corrs);
        return Apply(function, re, im);
    }

    /// <summary>The complex combination of one cell's correlations (rflag works on it, without a function).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // per cell and term
    public (float Re, float Im) Combine(ReadOnlySpan<ComplexF> corrs)
    {
        if (Corrs.Length == 1) return (corrs[Corrs[0]].Re, corrs[Corrs[0]].Im);
        float re = 0f, im = 0f;
        for (int k = 0; k < Corrs.Length; k++)
        {
            var (v, w) = (corrs[Corrs[k]], Weights[k]);
            re += v.Re * w.Re - v.Im * w.Im;
            im += v.Re * w.Im + v.Im * w.Re;
        }
        return (re, im);
    }

    /// <summary>The expression's function of one (combined) complex value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // called per cell and term by clip
    public static float Apply(VisFunction function, float re, float im)
    {
        return function switch
        {
            VisFunction.Abs => Amplitude.Of(re, im),
            VisFunction.Real => re,
            VisFunction.Imag => im,
            VisFunction.Arg => MathF.Atan2(im, re),
            _ => re * re + im * im,
        };
    }
}
