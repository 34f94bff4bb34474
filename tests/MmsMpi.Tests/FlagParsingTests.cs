using System.Text.Json.Nodes;
using MmsMpi.Tasks.Flagging;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>The pure parts of flagdata: command syntax, parameters, expressions, the clip and quack rules, summary filters.</summary>
public class FlagParsingTests
{
    [Test]
    public void CommandLinesSplitIntoParameters()
    {
        var p = FlagCommandText.Parse("mode='manual' antenna='ea01' scan=\"2\"  timerange='2010/10/16/14:00:00~14:10:00' reason='BAD ANT'");
        Assert.That(p["mode"], Is.EqualTo("manual"));
        Assert.That(p["antenna"], Is.EqualTo("ea01"));
        Assert.That(p["scan"], Is.EqualTo("2"));
        Assert.That(p["timerange"], Is.EqualTo("2010/10/16/14:00:00~14:10:00"));
        Assert.That(p["reason"], Is.EqualTo("BAD ANT"));
        var clip = FlagCommandText.Parse("mode='clip' clipminmax=[0, 50] clipzeros=True");
        Assert.That(clip["clipminmax"], Is.EqualTo("[0, 50]"));
        Assert.That(clip["clipzeros"], Is.EqualTo("True"));
        Assert.That(FlagCommandText.IsCommand("# a comment"), Is.False);
        Assert.That(FlagCommandText.IsCommand("   "), Is.False);
    }

    [TestCase("mode='manual' antenna='ea01", "unterminated quote")]
    [TestCase("mode='manual' antenna", "expected '='")]
    [TestCase("mode='manual'antenna='ea01'", "expected a blank")]
    [TestCase("mode='manual' mode='clip'", "given twice")]
    [TestCase("mode='clip' clipminmax=[0,50", "unterminated list")]
    [TestCase("='x'", "expected a parameter name")]
    public void MalformedCommandLinesAreErrors(string line, string message) =>
        Assert.That(() => FlagCommandText.Parse(line), Throws.InstanceOf<UserError>().With.Message.Contains(message));

    [Test]
    public void ParametersGetCasasDefaults()
    {
        var quack = Build("mode='quack'");
        Assert.That(quack.Quack, Is.EqualTo(new QuackSpec(1.0, QuackMode.Beg, false)));
        var clip = Build("mode='clip'");
        Assert.That(clip.Clip!.DataColumn, Is.EqualTo("DATA"));
        Assert.That(clip.Clip.MinMax, Is.Null);
        Assert.That(clip.Clip.Outside, Is.True);
        Assert.That(clip.Clip.Zeros, Is.False);
        Assert.That(clip.Clip.Expression.ToString(), Is.EqualTo("ABS ALL"));
        Assert.That(Build("mode='manualflag' autocorr=True").AutoCorr, Is.True);
        var summary = Build("mode='summary'").Summary!;
        Assert.That((summary.MinRel, summary.MaxRel, summary.MinAbs, summary.MaxAbs, summary.Name), Is.EqualTo((0.0, 1.0, 0.0, -1.0, "Summary")));
    }

    [Test]
    public void ClipTakesItsCorrelationAsTheExpression()
    {
        var clip = Build("mode='clip' correlation='REAL_XX,YY' clipminmax=[-1,1] datacolumn='corrected'");
        Assert.That(clip.Selection.Correlation, Is.Empty, "not an MSSelection correlation");
        Assert.That(clip.Clip!.Expression, Is.EqualTo(clip.Clip.Expression with { Function = VisFunction.Real }));
        Assert.That(clip.Clip.Expression.Products, Is.EqualTo(new[] { "XX", "YY" }));
        Assert.That(clip.Clip.DataColumn, Is.EqualTo("CORRECTED"));
        Assert.That(Build("mode='manual' correlation='RR'").Selection.Correlation, Is.EqualTo("RR"));
    }

    [TestCase("mode='fancy'", "unknown mode 'fancy'")]
    [TestCase("mode='quack' quackinterval=0", "Parameter 'quackinterval' must be greater than zero.")]
    [TestCase("mode='quack' quackinterval=-2", "must be greater than zero")]
    [TestCase("mode='quack' quackmode='middle'", "Unsupported quack mode: middle")]
    [TestCase("mode='manual' clipminmax=[0,1]", "does not apply to mode 'manual'")]
    [TestCase("mode='clip' clipminmax=[5]", "clipminmax must be [] or [min,max]")]
    [TestCase("mode='clip' clipminmax=[5,1]", "min is larger than max")]
    [TestCase("mode='clip' clipzeros=maybe", "must be True or False")]
    [TestCase("mode='clip' datacolumn='lag'", "unsupported datacolumn 'lag'")]
    [TestCase("mode='clip' correlation='ABS_ZZ'", "unsupported correlation 'ZZ'")]
    [TestCase("mode='summary' maxrel=2", "minrel/maxrel")]
    [TestCase("mode='quack' quackinterval=abc", "must be a number")]
    [TestCase("mode='shadow' addantenna='no-such-file.txt'", "addantenna file 'no-such-file.txt' not found")]
    [TestCase("mode='display'", "not supported")]
    [TestCase("mode='antint'", "antint_ref_antenna was not given")]
    [TestCase("mode='rflag' winsize=0", "positive integer")]
    [TestCase("mode='rflag' timedev=-1", "must be > 0")]
    [TestCase("mode='rflag' ntime='60s'", "not supported")]
    [TestCase("mode='extend' growtime=120", "Allowed range is 0.0 through 100.0")]
    [TestCase("mode='elevation' lowerlimit=50 upperlimit=20", "lowerlimit 50 is above upperlimit 20")]
    public void BadParametersAreErrors(string line, string message) =>
        Assert.That(() => Build(line), Throws.InstanceOf<UserError>().With.Message.Contains(message));

    [Test]
    public void ExpressionsExpandPerPolarization()
    {
        int[] circular = [5, 6, 7, 8], linear = [9, 12];
        var all = VisExpression.Parse("ABS_ALL", false);
        Assert.That(all.TermsFor(circular).Select(t => t.Name), Is.EqualTo(new[] { "RR", "RL", "LR", "LL" }));
        Assert.That(VisExpression.Parse("", false).TermsFor(linear).Select(t => t.Corrs[0]), Is.EqualTo(new[] { 0, 1 }));
        var rr = VisExpression.Parse("RR", false);
        Assert.That((rr.Function, rr.TermsFor(circular).Single().Corrs), Is.EqualTo((VisFunction.Abs, new[] { 0 })));
        Assert.That(rr.TermsFor(linear), Is.Empty, "a product a polarization setup lacks is skipped there");
        var stokesI = VisExpression.Parse("ABS I", false).TermsFor(linear).Single();
        Assert.That(stokesI.Corrs, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(stokesI.Evaluate(VisFunction.Abs, [new(3, 0), new(1, 0)]), Is.EqualTo(2f));
        Assert.That(VisExpression.Parse("ABS V", false).TermsFor(circular).Single().Evaluate(VisFunction.Real, [new(3, 0), new(), new(), new(1, 0)]),
            Is.EqualTo(1f));
        Assert.That(VisExpression.Parse("ABS_RR", true).Function, Is.EqualTo(VisFunction.Real), "float columns have no complex operator");
    }

    [Test]
    public void FunctionsAreEvaluatedInSinglePrecision()
    {
        var term = VisTerm.Single("XX", 0);
        Casacore.ComplexF[] cell = [new(3, -4)];
        Assert.That(term.Evaluate(VisFunction.Abs, cell), Is.EqualTo(5f));
        Assert.That(term.Evaluate(VisFunction.Real, cell), Is.EqualTo(3f));
        Assert.That(term.Evaluate(VisFunction.Imag, cell), Is.EqualTo(-4f));
        Assert.That(term.Evaluate(VisFunction.Norm, cell), Is.EqualTo(25f));
        Assert.That(term.Evaluate(VisFunction.Arg, cell), Is.EqualTo(MathF.Atan2(-4, 3)));
    }

    [Test]
    public void ClipRuleFollowsFlagAgentClipping()
    {
        var outside = new ClipRule([0, 50], outside: true, zeros: false);
        Assert.That(new[] { -0.1f, 0f, 50f, 50.001f, float.NaN, float.PositiveInfinity }.Select(outside.Flags),
            Is.EqualTo(new[] { true, false, false, true, true, true }));
        var inside = new ClipRule([0, 50], outside: false, zeros: false);
        Assert.That(new[] { -0.1f, 0f, 50f, 51f, float.NaN }.Select(inside.Flags), Is.EqualTo(new[] { false, true, true, false, true }));
        var nanOnly = new ClipRule(null, outside: true, zeros: false);
        Assert.That(new[] { 1e30f, 0f, float.NegativeInfinity }.Select(nanOnly.Flags), Is.EqualTo(new[] { false, false, true }));
        var zeros = new ClipRule(null, outside: true, zeros: true);
        Assert.That(new[] { 0f, -0f, 1e-40f, ClipRule.FltEpsilon, 2 * ClipRule.FltEpsilon, -0.5f, -1e-8f }.Select(zeros.Flags),
            Is.EqualTo(new[] { true, true, true, true, false, false, true }), "zero, subnormal, |v| ≤ FLT_EPSILON; negative values are not zeros");
    }

    [TestCase(QuackMode.Beg, new[] { true, true, false, false, false })]
    [TestCase(QuackMode.Endb, new[] { false, false, false, true, true })]
    [TestCase(QuackMode.Tail, new[] { false, false, true, true, true })]
    [TestCase(QuackMode.End, new[] { true, true, true, false, false })]
    public void QuackRuleFollowsFlagAgentQuack(QuackMode mode, bool[] expected)
    {
        var scan = new ScanBounds(100, 140);
        double[] times = [100, 110, 120, 130, 140];
        Assert.That(times.Select(t => QuackRule.Flags(mode, 10, scan, t)), Is.EqualTo(expected), "interval 10 s, integrations 10 s: boundaries included");
    }

    [Test]
    public void SummaryFilterDropsEntriesAfterMerging()
    {
        var a = new FlagSummary();
        a.All.Add(10, 100);
        a.Add("antenna", "ea01", 10, 50);
        a.Add("antenna", "ea02", 0, 50);
        var b = new FlagSummary();
        b.All.Add(40, 100);
        b.Add("antenna", "ea01", 40, 50);
        b.Add("antenna", "ea03", 0, 50);
        a.Merge(b);
        var spec = new SummarySpec(false, false, false, false, "Summary", MinRel: 0.1, MaxRel: 1, MinAbs: 0, MaxAbs: -1);
        var dict = SummaryReport.ToDict(a, spec);
        var antennas = dict["antenna"]!.AsObject();
        Assert.That(antennas.Select(kv => kv.Key), Is.EqualTo(new[] { "ea01" }), "ea01: 50/100 kept; ea02, ea03: 0/50 dropped");
        Assert.That(antennas["ea01"]!["flagged"]!.GetValue<double>(), Is.EqualTo(50));
        Assert.That((dict["flagged"]!.GetValue<double>(), dict["total"]!.GetValue<double>()), Is.EqualTo((50.0, 200.0)));
        Assert.That(dict["type"]!.GetValue<string>(), Is.EqualTo("summary"));
        var maxabs = SummaryReport.ToDict(a, spec with { MinRel = 0, MaxAbs = 10 });
        Assert.That(maxabs["antenna"]!.AsObject().Select(kv => kv.Key), Is.EqualTo(new[] { "ea02", "ea03" }));
    }

    [Test]
    public void NaturalOrderSortsNumbersByValue() =>
        Assert.That(new[] { "10", "2", "ea10", "ea2", "1" }.Order(NaturalOrder.Instance), Is.EqualTo(new[] { "1", "2", "10", "ea2", "ea10" }));

    [Test]
    public void ListKeepsCommandsOfTheRequestedReasons()
    {
        var commands = FlagCommandList.Read(["mode='manual' antenna='ea01' reason='RFI'\n# skip\nmode='manual' antenna='ea02' reason='SHADOW'",
            "mode='quack' quackinterval=2.5"], "RFI,SHADOW");
        Assert.That(commands.Select(c => c.Selection.Antenna), Is.EqualTo(new[] { "ea01", "ea02" }));
        Assert.That(FlagCommandList.Read(["mode='manual' antenna='ea01'", "mode='quack'"], "any"), Has.Count.EqualTo(2));
        Assert.That(() => FlagCommandList.Read(["mode='manual' reason='X'"], "Y"), Throws.InstanceOf<UserError>().With.Message.Contains("no flag command has reason"));
        Assert.That(() => FlagCommandList.Read(["/no/such/file"], "any"), Throws.InstanceOf<UserError>().With.Message.Contains("neither a file nor a flag command"));
    }

    [Test]
    public void TfcropFitFindsASpikeOnASmoothBandpass()
    {
        const int nChan = 48, nTime = 30;
        var random = new Random(5);
        var values = new float[nChan * nTime];
        for (int c = 0; c < nChan; c++)
            for (int t = 0; t < nTime; t++)
                values[c * nTime + t] = (float)((1 + 0.3 * Math.Sin(c / 8.0)) * (1 + 0.02 * t / nTime) * (1 + 0.01 * (random.NextDouble() - 0.5)));
        values[17 * nTime + 12] *= 3;
        values[18 * nTime + 12] *= 3;
        var flags = new bool[values.Length];
        TfcropFit.FitBaseAndFlag(values, flags, nChan, nTime, alongFrequency: true, poly: true, maxNPieces: 7, cutoff: 3);
        TfcropFit.FitBaseAndFlag(values, flags, nChan, nTime, alongFrequency: false, poly: false, maxNPieces: 7, cutoff: 4);
        Assert.That(flags[17 * nTime + 12] && flags[18 * nTime + 12], Is.True, "the spike");
        Assert.That(flags.Count(f => f), Is.EqualTo(2), "nothing else on a clean, smooth plane");
    }

    [TestCase(48, 32, 3.0, 0.0)]
    [TestCase(256, 12, 4.0, 0.1)]
    [TestCase(7, 40, 1.5, 0.3)]
    [TestCase(64, 8, 1.5, 0.05)]
    [TestCase(64, 6, 3.0, 0.05)]   // a scan of 6 integrations along time: 2 columns left to the scalar path
    [TestCase(31, 13, 2.0, 0.1)]
    [TestCase(200, 3, 3.0, 0.0)]
    [TestCase(200, 2, 3.0, 0.1)]
    public void TfcropDeviationsSimdFlagAsTheScalarPath(int n0, int n1, double cutoff, double flagged)
    {
        Assume.That(System.Runtime.Intrinsics.X86.Avx2.IsSupported, "the Simd path needs AVX2");
        var random = new Random(n0 * 100 + n1);
        double Base(int i0) => 1 + 0.2 * Math.Sin(i0 / 9.0);
        var plane = new float[n0 * n1];
        var flags = new bool[plane.Length];
        for (int i0 = 0; i0 < n0; i0++)
            for (int i1 = 0; i1 < n1; i1++)
            {
                // noise on the fitted shape, spikes of every size (so that lanes converge after different rounds), flags,
                // and in one column a value no deviation can be computed with (NaN: nothing flagged there)
                int i = i0 * n1 + i1;
                plane[i] = (float)(Base(i0) * (1 + 0.05 * (random.NextDouble() - 0.5)));
                if (random.NextDouble() < 0.05) plane[i] *= (float)(1.2 + 4 * random.NextDouble());
                flags[i] = random.NextDouble() < flagged;
            }
        plane[n0 / 2 * n1 + 1] = float.NaN;
        var fit = Enumerable.Range(0, n0).Select(Base).ToArray();
        var scalar = (bool[])flags.Clone();
        TfcropFit.FlagDeviationsScalar(plane, scalar, n0, n1, 0, fit, cutoff);
        var simd = (bool[])flags.Clone();
        int done = TfcropFit.FlagDeviationsSimd(plane, simd, n0, n1, fit, cutoff);
        TfcropFit.FlagDeviationsScalar(plane, simd, n0, n1, done, fit, cutoff);
        Assert.That(done, Is.EqualTo(n1 - n1 % 4), "columns on the Simd path");
        Assert.That(scalar.Count(f => f), Is.GreaterThan(flags.Count(f => f)), "the plane has deviations to flag");
        Assert.That(simd, Is.EqualTo(scalar));
    }

    [Test]
    public void PiecewisePolyFollowsTheShapeAndFillsGaps()
    {
        var data = Enumerable.Range(0, 40).Select(i => 2 + 0.5 * Math.Cos(i / 6.0)).ToArray();
        data[7] = 0;
        var flag = new bool[data.Length];
        flag[7] = true;
        var fit = TfcropFit.PiecewisePoly(data, flag, 7, 3);
        for (int i = 2; i < 38; i++)
            Assert.That(fit[i], Is.EqualTo(i == 7 ? (data[6] + data[8]) / 2 : data[i]).Within(0.03), $"point {i} (the 5-point running mean rounds the extremes)");
    }

    [TestCase("mode='tfcrop' maxnpieces=12", "Unsupported maxnpieces")]
    [TestCase("mode='tfcrop' flagdimension='diagonal'", "Unsupported flagdimension")]
    [TestCase("mode='tfcrop' timefit='spline'", "Unsupported timefit")]
    [TestCase("mode='tfcrop' usewindowstats='median'", "Unsupported usewindowstats")]
    [TestCase("mode='tfcrop' ntime='60s'", "ntime '60s' is not supported")]
    public void BadTfcropParametersAreErrors(string line, string message) =>
        Assert.That(() => Build(line), Throws.InstanceOf<UserError>().With.Message.Contains(message));

    private static FlagCommand Build(string line) => FlagParameters.Build(FlagCommandText.Parse(line), line);
}
