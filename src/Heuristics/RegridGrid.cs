namespace MmsMpi.Heuristics;

/// <summary>
/// mstransform's regridding parameters (regridms=True): mode ('channel', 'channel_b', 'frequency', 'velocity'),
/// nchan (−1 = keep the bandwidth), start and width as CASA takes them (integers for the channel modes,
/// quantities such as '1.4GHz', '100kHz', '-20km/s' for frequency/velocity; '' = default), restfreq and veltype.
/// </summary>
public sealed record RegridRequest(
    string Mode = "channel",
    int NChan = -1,
    string Start = "",
    string Width = "",
    string RestFreq = "",
    string VelType = "radio");

/// <summary>
/// The output grid: CHAN_FREQ and CHAN_WIDTH (Hz, widths positive, in the input's channel order), the weight
/// factor CASA stores (<c>weightScale = Width[0] / inWidth[0]</c>) and CASA's informational log lines.
/// </summary>
public sealed record RegridResult(double[] Freq, double[] Width)
{
    public double WeightScale { get; init; } = 1;

    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>
/// Builds the output channel grid of a regridded spectral window, following CASA's MSTransformRegridder
/// (<c>calcChanFreqs</c> → <c>convertGridPars</c> → <c>regridChanBounds</c>) and the Python-side checks of
/// mstransform (ParallelDataHelper.defaultRegridParams). The input channels must already be in the output frame
/// (see FrequencyFrames.ConvertChannels: centre F(f), width F(f+|w|/2) − F(f−|w|/2)).
/// <para>Rules (§5.4): 'channel': start = input channel index (its lower edge; with a negative width its upper
/// edge), width = integer number of input channels (width·|w[0]|). 'frequency'/'velocity': start = centre of the
/// first output channel, width = channel width (a negative frequency width, or a positive velocity width, makes
/// start the highest frequency). 'channel_b': integer-channel grid whose channels are unions of input channels
/// (not forced equidistant). nchan = −1 keeps the bandwidth floor'ed to whole widths (+1% tolerance). Channels are
/// built outward from the centre: an odd number of widths centres the central channel on the centre, an even
/// number puts a channel edge there; construction stops at the band edge (1% tolerance). A width smaller than the
/// smallest input width (−1 Hz) is an error; a width larger than the bandwidth gives one channel. Descending
/// input is reversed, processed and reversed back (for 'channel' the start index refers to the input order).</para>
/// <para>Simplifications and deviations from CASA:
/// <list type="bullet">
/// <item>Arithmetic is in double; CASA uses long double (80-bit on x86-64) inside regridChanBounds. Differences are
/// far below 1 mHz for radio spectral windows.</item>
/// <item>mode and veltype are case-insensitive; an unknown veltype is an error (CASA warns and uses radio).</item>
/// <item>start/width for the channel modes must be integers (CASA's atoi silently reads '2.5' as 2 and 'abc' as 0).</item>
/// <item>In frequency/velocity modes, start '0' and width '1' mean '' (CASA maps its integer defaults 0 and 1).</item>
/// <item>Quantities accept [SI prefix]Hz and [SI prefix]m/s only (CASA's quanta accept any conformant unit that
/// contains 'Hz' / 'm/s'). A restfreq without a unit is taken as Hz, as casacore does.</item>
/// <item>Input must be strictly ascending or descending (CASA does not detect ascending-then-descending) and every
/// input width must be non-zero.</item>
/// <item>With nchan = −1, when the requested width is larger than the whole bandwidth, CASA's floor gives a zero
/// bandwidth and a zero-width channel; here one channel covering the bandwidth is produced instead.</item>
/// <item>In the vopt clipping fallback (bandwidth below one input channel) CASA's expressions mix channel widths
/// and frequencies; here the fallback is the whole input band.</item>
/// <item>A 'channel_b' start whose grid would fall outside the input channels is an error (CASA indexes out of
/// range).</item>
/// <item>Failures are ArgumentExceptions carrying CASA's message; CASA logs the message and then raises
/// "calcChanFreqs failed, check input start and width parameters".</item>
/// <item>outframe 'SOURCE' (radial-velocity correction) is outside this class: the caller converts frames.</item>
/// </list></para>
/// </summary>
public static class RegridGrid
{
    private enum Quantity { Chan, Freq, VRad, VOpt }

    /// <summary>The regridding parameters after CASA's convertGridPars (t_* variables).</summary>
    private sealed record GridPars(Quantity Quant, double Center, double Bandwidth, double ChanWidth, double RestFreq,
        bool StartIsEnd, int NChan, int Width, int Start);

    /// <summary>Validates the request (CASA's Python checks and convertGridPars) without building a grid.</summary>
    public static void Validate(RegridRequest r) => Parse(r);

    public static RegridResult Build(ReadOnlySpan<double> inFreq, ReadOnlySpan<double> inWidth, RegridRequest r)
    {
        var p = Parse(r);
        if (inFreq.Length != inWidth.Length)
            throw new ArgumentException("Internal error: inconsistent dimensions of input channel frequency and width arrays.");
        int n = inFreq.Length;
        if (n == 0) return new RegridResult([], []);
        var f = inFreq.ToArray();
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = Math.Abs(inWidth[i]);
            if (!(w[i] > 0) || !double.IsFinite(f[i])) throw new ArgumentException($"Input channel {i} has a zero or invalid width or frequency.");
        }

        bool asc = true, desc = true;
        for (int i = 1; i < n; i++)
        {
            if (f[i] < f[i - 1]) asc = false;
            if (f[i] > f[i - 1]) desc = false;
        }
        if (!asc && !desc)
            throw new ArgumentException("Channel frequencies are neither in ascending nor in descending order. Cannot process.");
        bool isDescending = !asc;
        int start = p.Start;
        bool startIsEnd = p.StartIsEnd;
        if (isDescending)
        {
            Array.Reverse(f);
            Array.Reverse(w);
            if (start >= 0)
            {
                start = n - 1 - start;
                startIsEnd = !startIsEnd; // centerIsStart is always true on entry
            }
        }

        var notes = new List<string>();
        var (lo, hi) = p.Quant == Quantity.Chan
            ? ChannelBounds(f, w, p, startIsEnd, notes)
            : RealBounds(f, w, p, start, startIsEnd, notes);
        if (isDescending)
        {
            Array.Reverse(lo);
            Array.Reverse(hi);
        }

        var freq = new double[lo.Length];
        var width = new double[lo.Length];
        for (int i = 0; i < lo.Length; i++)
        {
            freq[i] = (lo[i] + hi[i]) / 2;
            width[i] = hi[i] - lo[i];
        }
        return new RegridResult(freq, width) { WeightScale = width[0] / Math.Abs(inWidth[0]), Notes = notes };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Parameters: mstransform's Python checks, then convertGridPars.

    private static GridPars Parse(RegridRequest r)
    {
        string mode = (r.Mode ?? "").Trim().ToLowerInvariant();
        string start = (r.Start ?? "").Trim(), width = (r.Width ?? "").Trim(), restfreq = (r.RestFreq ?? "").Trim();
        if (mode is not ("channel" or "channel_b" or "frequency" or "velocity"))
            throw new ArgumentException($"Invalid mode {r.Mode}");
        var velType = Doppler.ParseVelocityType(r.VelType)
            ?? throw new ArgumentException($"Invalid velocity type {r.VelType} (veltype must be 'radio' or 'optical')");

        if (mode == "velocity" && restfreq.Length == 0)
            throw new ArgumentException("Parameter restfreq must be set when mode='velocity'");
        if (mode is "velocity" or "frequency")
        {
            // CASA maps its integer defaults start=0 and width=1 to '' for these modes.
            if (start == "0") start = "";
            if (width == "1") width = "";
            string kind = mode == "velocity" ? "velocity" : "frequency", unit = mode == "velocity" ? "m/s" : "Hz";
            foreach (var (name, text) in new[] { ("start", start), ("width", width) })
                if (text.Length > 0 && !(RegridQuantity.TryParse(text)?.Unit.Contains(unit, StringComparison.Ordinal) ?? false))
                    throw new ArgumentException($"Parameter {name} does not have valid {kind} units");
        }

        double restHz = 0;
        if (restfreq.Length > 0 && restfreq != "[]")
            restHz = RegridQuantity.TryParse(restfreq)?.InHz(bareNumberIsHz: true)
                ?? throw new ArgumentException($"Parameter restfreq {r.RestFreq} is not a valid frequency");

        double center = -9e99, bandwidth = -1, chanWidth = -1;
        int tNChan = -1, tWidth = 0, tStart = -1;
        bool startIsEnd = false;

        if (start.Length > 0 && start != "[]")
        {
            switch (mode)
            {
                case "channel": tStart = ParseInt(start, "start", mode); break;
                case "channel_b": center = ParseInt(start, "start", mode); break;
                case "frequency": center = Quant(start, "start", hz: true); break;
                case "velocity": center = Quant(start, "start", hz: false); break;
            }
        }

        if (width.Length > 0 && width != "[]")
        {
            switch (mode)
            {
                case "channel":
                {
                    int wv = ParseInt(width, "width", mode);
                    tWidth = Math.Abs(wv);
                    startIsEnd = wv < 0;
                    break;
                }
                case "channel_b":
                {
                    int wv = ParseInt(width, "width", mode);
                    chanWidth = Math.Abs(wv);
                    startIsEnd = wv < 0;
                    break;
                }
                case "frequency":
                {
                    double wv = Quant(width, "width", hz: true);
                    chanWidth = Math.Abs(wv);
                    startIsEnd = wv < 0;
                    break;
                }
                case "velocity":
                {
                    double wv = Quant(width, "width", hz: false);
                    chanWidth = Math.Abs(wv);
                    startIsEnd = wv >= 0; // a positive velocity width runs down in frequency
                    break;
                }
            }
        }
        else if (mode == "velocity")
        {
            startIsEnd = true;
        }

        if (r.NChan > 0)
        {
            if (mode == "channel_b") bandwidth = chanWidth > 0 ? r.NChan * chanWidth : r.NChan;
            else tNChan = r.NChan;
        }

        Quantity quant;
        switch (mode)
        {
            case "channel_b": quant = Quantity.Chan; break;
            case "velocity":
                if (restHz == 0) throw new ArgumentException("Need to set restfreq in velocity mode.");
                quant = velType == VelocityType.Optical ? Quantity.VOpt : Quantity.VRad;
                break;
            default: quant = Quantity.Freq; break;
        }
        return new GridPars(quant, center, bandwidth, chanWidth, restHz, startIsEnd, tNChan, tWidth, tStart);
    }

    private static int ParseInt(string text, string name, string mode) =>
        int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int v)
            ? v
            : throw new ArgumentException($"Parameter {name} must be an integer number of channels when mode='{mode}' (got '{text}')");

    private static double Quant(string text, string name, bool hz)
    {
        var q = RegridQuantity.TryParse(text);
        double? v = hz ? q?.InHz() : q?.InMetresPerSecond();
        return v ?? throw new ArgumentException(
            $"Parameter {name} does not have valid {(hz ? "frequency" : "velocity")} units ('{text}' is not a quantity in {(hz ? "Hz" : "m/s")})");
    }

    // ---------------------------------------------------------------------------------------------------------
    // regridChanBounds, 'chan' quantity (mode channel_b): output channels are unions of whole input channels.

    private static (double[] Lo, double[] Hi) ChannelBounds(double[] f, double[] w, GridPars p, bool startIsEnd, List<string> notes)
    {
        int n = f.Length;
        bool centerIsStart = true;
        int centerChan = -1;
        if (p.Center < -1e30)
        {
            double mid = (f[0] + f[n - 1]) / 2;
            for (int i = 0; i < n; i++)
                if (f[i] >= mid) { centerChan = i; break; }
            centerIsStart = false;
        }
        else if (p.Center >= 0 && p.Center < n)
        {
            centerChan = (int)Math.Floor(p.Center);
        }
        else
        {
            throw new ArgumentException($"SPW start {p.Center} outside valid range which is 0 - {n - 1}.");
        }

        int bwChan = p.Bandwidth <= 0 || p.NChan > 0 ? (p.NChan > 0 ? p.NChan : n) : (int)Math.Floor(p.Bandwidth);
        if (centerIsStart) centerChan += startIsEnd ? -(bwChan / 2) : bwChan / 2;
        if (centerChan - bwChan / 2 < 0)
        {
            bwChan = 2 * centerChan + 1;
            notes.Add("Requested output SPW width too large.");
        }
        if (n < centerChan + bwChan / 2)
        {
            bwChan = 2 * (n - centerChan);
            notes.Add("Requested output SPW width too large.");
        }

        int cwChan;
        if (p.ChanWidth < 1) cwChan = 1;
        else if (p.ChanWidth > bwChan)
        {
            cwChan = bwChan;
            notes.Add("Requested output channel width too large. Adjusted to maximum possible value.");
        }
        else
        {
            cwChan = (int)Math.Floor(p.ChanWidth);
            if (p.NChan > 0) bwChan = p.NChan * cwChan;
        }
        if (bwChan != Math.Floor(p.Bandwidth))
            notes.Add($"Output SPW width set to {bwChan} original channels in an attempt to keep center of output SPW close to center of requested SPW.");

        int bwLo = centerChan - bwChan / 2;
        int bwHi = bwLo + bwChan - 1;
        if (bwChan < 1 || cwChan < 1 || bwLo < 0 || bwHi >= n)
            throw new ArgumentException($"SPW start {p.Center} with width {p.ChanWidth} gives output channels outside the input channels 0 - {n - 1}.");

        var groups = new List<(int Lo, int Hi)>();
        if (cwChan == bwChan)
        {
            groups.Add((bwLo, bwHi));
        }
        else
        {
            int startChan = (bwChan / cwChan) % 2 != 0 ? centerChan - cwChan / 2 : centerChan;
            var down = new List<(int Lo, int Hi)>();
            for (int i = startChan - 1; i >= bwLo; i -= cwChan)
                down.Add((Math.Max(i - cwChan + 1, bwLo), i));
            down.Reverse();
            groups.AddRange(down);
            for (int i = startChan; i <= bwHi; i += cwChan)
                groups.Add((i, Math.Min(i + cwChan - 1, bwHi)));
        }
        var lo = new double[groups.Count];
        var hi = new double[groups.Count];
        for (int k = 0; k < groups.Count; k++)
        {
            lo[k] = f[groups[k].Lo] - w[groups[k].Lo] / 2;
            hi[k] = f[groups[k].Hi] + w[groups[k].Hi] / 2;
        }
        return (lo, hi);
    }

    // ---------------------------------------------------------------------------------------------------------
    // regridChanBounds for real quantities (freq, vrad, vopt): equidistant channels in that quantity.

    private static (double[] Lo, double[] Hi) RealBounds(double[] f, double[] w, GridPars p, int start, bool startIsEnd, List<string> notes)
    {
        int n = f.Length;
        double f0 = p.RestFreq;
        double center = p.Center, chanWidth = p.ChanWidth, bandwidth = p.Bandwidth;
        int nchan = p.NChan;
        bool centerIsStart = true;
        double lowEdge = f[0] - w[0] / 2, highEdge = f[n - 1] + w[n - 1] / 2;
        double centerF = -1, bwF = -1, cwF = -1;
        Func<double, double> vel = p.Quant == Quantity.VOpt ? v => Doppler.OpticalVelocity(v, f0) : v => Doppler.RadioVelocity(v, f0);
        Func<double, double> frq = p.Quant == Quantity.VOpt ? v => Doppler.FrequencyFromOptical(v, f0) : v => Doppler.FrequencyFromRadio(v, f0);

        switch (p.Quant)
        {
            case Quantity.VRad:
            case Quantity.VOpt:
            {
                if (f0 <= 0 || f0 > 1e30) throw new ArgumentException($"Parameter \"restfreq\" value {f0} is invalid.");
                double centerVel;
                if (center > -Doppler.C)
                {
                    // start is the centre of the first channel: move it to that channel's edge
                    double tc = chanWidth > 0 ? chanWidth : vel(f[0] - w[0] / 2) - vel(f[0] + w[0] / 2);
                    center += startIsEnd ? -tc / 2 : tc / 2;
                    centerF = frq(center);
                    centerVel = center;
                }
                else
                {
                    centerF = p.Quant == Quantity.VRad ? (f[0] + f[n - 1]) / 2 : (f[0] - w[0] + f[n - 1] + w[n - 1]) / 2;
                    centerVel = vel(centerF);
                    centerIsStart = false;
                }

                if (nchan > 0 && p.Quant == Quantity.VRad)
                {
                    cwF = chanWidth > 0 ? 2 * (frq(centerVel - chanWidth / 2) - centerF) : w[0];
                    bwF = nchan * cwF;
                    if (centerIsStart)
                    {
                        centerF += startIsEnd ? -bwF / 2 : bwF / 2;
                        centerIsStart = false;
                    }
                }
                else if (nchan > 0)
                {
                    // vopt: the bandwidth is nchan widths in optical velocity
                    double div = centerIsStart ? 1 : 0.5;
                    double cw = chanWidth > 0 ? chanWidth : Math.Abs(vel(f[0] - w[0]) - vel(f[0] + w[0]));
                    double bwEndF = centerIsStart && !startIsEnd ? frq(centerVel - nchan * cw * div) : frq(centerVel + nchan * cw * div);
                    bwF = Math.Abs(bwEndF - centerF) / div;
                    if (centerIsStart)
                    {
                        centerVel += startIsEnd ? nchan * cw / 2 : -nchan * cw / 2;
                        centerF = frq(centerVel);
                        centerIsStart = false;
                    }
                    nchan = 0; // the bandwidth is now set: nchan is not used below
                }
                else if (bandwidth > 0)
                {
                    if (centerIsStart)
                    {
                        centerVel = startIsEnd ? center + bandwidth / 2 : center - bandwidth / 2;
                        centerF = frq(centerVel);
                        centerIsStart = false;
                    }
                    bwF = 2 * (frq(centerVel - bandwidth / 2) - centerF);
                }
                if (chanWidth > 0 && cwF < 0)
                    cwF = 2 * (frq(centerVel - chanWidth / 2) - frq(centerVel));
                break;
            }
            case Quantity.Freq:
            {
                if (p.Width > 0) chanWidth = p.Width * w[0]; // mode 'channel': width in input channels
                if (start >= 0)
                {
                    int first = start;
                    if (start >= n)
                    {
                        notes.Add($"Parameter start exceeds total number of channels which is {n}. Set to 0.");
                        first = 0;
                        startIsEnd = false;
                    }
                    center = startIsEnd ? f[first] + w[first] / 2 : f[first] - w[first] / 2;
                }
                else
                {
                    double tc = chanWidth > 0 ? chanWidth : w[0];
                    center += startIsEnd ? tc / 2 : -tc / 2;
                }
                centerF = center;
                bwF = bandwidth;
                cwF = chanWidth;
                break;
            }
        }

        // The actually possible centre, bandwidth and central channel width.
        double theCenter, theBW, theCW, chanWidthX = -1;
        bool equidistantF = p.Quant is Quantity.Freq or Quantity.VRad;
        if (centerF < 0)
        {
            theCenter = (lowEdge + highEdge) / 2;
            centerIsStart = false;
        }
        else
        {
            theCenter = centerF;
            if (theCenter - highEdge > 1)
            {
                notes.Add($"Requested center of SPW {theCenter} Hz is too large by {theCenter - highEdge} Hz; reset to maximum possible value {highEdge} Hz");
                theCenter = highEdge;
            }
            else if (theCenter < lowEdge)
            {
                if (lowEdge - theCenter > 1)
                    notes.Add($"Requested center of SPW {theCenter} Hz is smaller than minimum possible value by {lowEdge - theCenter} Hz; reset to {lowEdge} Hz");
                theCenter = lowEdge;
            }
        }

        if (bwF <= 0 || nchan != 0)
        {
            theBW = highEdge - lowEdge;
            if (nchan < 0)
            {
                if (equidistantF) theBW = FloorToWidths(theBW, cwF > 0 ? cwF : w[0]);
            }
            else if (nchan > 0)
            {
                theBW = (cwF > 0 ? cwF : w[0]) * nchan;
            }

            if (nchan != 0)
            {
                if (centerF <= 0 || center < -Doppler.C)
                {
                    // centre not given: the grid starts at the lower band edge
                    theCenter = lowEdge + theBW / 2;
                    centerIsStart = false;
                }
                else if (nchan < 0)
                {
                    if (centerIsStart)
                    {
                        theBW = startIsEnd ? theCenter - lowEdge : highEdge - theCenter;
                        if (equidistantF) theBW = FloorToWidths(theBW, cwF > 0 ? cwF : w[0]);
                    }
                    else
                    {
                        theBW = 2 * Math.Min(theCenter - f[0] - w[0], f[n - 1] + w[n - 1] - theCenter);
                    }
                }
            }
            if (centerIsStart)
            {
                theCenter += startIsEnd ? -theBW / 2 : theBW / 2;
                centerIsStart = false;
            }
        }
        else
        {
            theBW = bwF;
            if (centerIsStart)
            {
                theCenter += startIsEnd ? -theBW / 2 : theBW / 2;
                centerIsStart = false;
            }
            double rangeTol = p.Quant == Quantity.VOpt ? w[0] : 1;
            bool overUpper = theCenter + theBW / 2 - highEdge > rangeTol;
            bool overLower = theCenter - theBW / 2 - lowEdge < -rangeTol;
            if (overUpper || overLower)
            {
                notes.Add($"Input spectral window exceeds {(overUpper ? "upper" : "lower")} end of original window. Adjusting to max. possible value.");
                theBW = 2 * Math.Min(Math.Abs(highEdge - theCenter), Math.Abs(theCenter - lowEdge));
                if (theBW < w[0])
                {
                    theCenter = (lowEdge + highEdge) / 2;
                    theBW = highEdge - lowEdge;
                }
            }
        }

        if (cwF <= 0)
        {
            theCW = w[0];
        }
        else
        {
            theCW = cwF;
            if (theCW > theBW)
            {
                theCW = theBW;
                notes.Add("Requested new channel width exceeds defined SPW width. Creating a single channel with the defined SPW width.");
            }
            else if (theCW < w[0])
            {
                int ii = 0;
                for (int i = 1; i < n; i++)
                    if (w[i] < w[ii]) ii = i;
                if (theCW < w[ii] - 1)
                {
                    string msg = $"Requested new channel width is smaller than smallest original channel width which is {w[ii]} Hz";
                    if (p.Quant != Quantity.Freq)
                        msg += $" or {(vel(f[ii]) - vel(f[ii] + w[ii] / 2)) * 2} m/s";
                    throw new ArgumentException(msg + " (calcChanFreqs failed, check input start and width parameters)");
                }
                chanWidthX = chanWidth;
            }
        }
        notes.Add($"Channels equidistant in {p.Quant.ToString().ToLowerInvariant()}; central frequency {theCenter} Hz, central channel width {theCW} Hz");

        return BuildEdges(theCenter, theBW, theCW, chanWidthX, p.Quant, vel, frq);
    }

    /// <summary>bw floor'ed to a whole number of widths with a 1% tolerance; a band narrower than one width stays whole.</summary>
    private static double FloorToWidths(double bw, double width)
    {
        double k = Math.Floor((bw + width * 0.01) / width);
        return k >= 1 ? width * k : bw;
    }

    /// <summary>Channel edges outward from the centre: up from the central channel, then down; stops at the band edges.</summary>
    private static (double[] Lo, double[] Hi) BuildEdges(double center, double bw, double cw, double chanWidthX, Quantity quant,
        Func<double, double> vel, Func<double, double> frq)
    {
        const int MaxChannels = 10_000_000;
        double tol = cw * 0.01;
        double upperEndF = center + bw / 2, lowerEndF = center - bw / 2;
        var loUp = new List<double>();
        var hiUp = new List<double>();
        var loDown = new List<double>();
        var hiDown = new List<double>();
        double c0Lo, c0Hi;
        if ((long)Math.Floor((bw + tol) / cw) % 2 != 0)
        {
            c0Lo = center - cw / 2;
            c0Hi = center + cw / 2;
        }
        else
        {
            c0Lo = center;
            c0Hi = center + cw;
        }
        loUp.Add(c0Lo); hiUp.Add(c0Hi);
        loDown.Add(c0Lo); hiDown.Add(c0Hi);

        if (quant == Quantity.Freq)
        {
            while (hiUp[^1] < upperEndF + tol && hiUp.Count < MaxChannels)
            {
                double next = hiUp[^1] + cw;
                if (next > upperEndF + tol) break;
                loUp.Add(hiUp[^1]); hiUp.Add(next);
            }
            while (loDown[^1] > lowerEndF - tol && loDown.Count < MaxChannels)
            {
                double next = loDown[^1] - cw;
                if (next < lowerEndF - tol) break;
                hiDown.Add(loDown[^1]); loDown.Add(next);
            }
        }
        else
        {
            // Equidistant in velocity (which decreases as frequency increases).
            double x = chanWidthX >= 0 ? chanWidthX : vel(c0Lo) - vel(c0Hi);
            if (!(x > 0)) throw new ArgumentException("Channel width in velocity is not positive; check start, width and restfreq.");
            double upperEndV = vel(upperEndF), lowerEndV = vel(lowerEndF);
            double velHi = vel(hiUp[0]) - x;
            while (upperEndV - x / 10 < velHi && hiUp.Count < MaxChannels)
            {
                double freqHi = frq(velHi);
                if (freqHi > upperEndF + tol) break;
                loUp.Add(hiUp[^1]); hiUp.Add(freqHi);
                velHi = vel(hiUp[^1]) - x;
            }
            double velLo = vel(loDown[0]) + x;
            while (velLo < lowerEndV + x / 10 && loDown.Count < MaxChannels)
            {
                double freqLo = frq(velLo);
                if (freqLo < lowerEndF - tol) break;
                hiDown.Add(loDown[^1]); loDown.Add(freqLo);
                velLo = vel(loDown[^1]) + x;
            }
        }
        if (hiUp.Count >= MaxChannels || loDown.Count >= MaxChannels)
            throw new ArgumentException($"The requested grid has more than {MaxChannels} channels.");

        // Down list reversed (it holds the central channel), then the up list without the central channel.
        int nDown = loDown.Count, nUp = loUp.Count;
        var lo = new double[nDown + nUp - 1];
        var hi = new double[nDown + nUp - 1];
        for (int i = 0; i < nDown; i++)
        {
            lo[i] = loDown[nDown - 1 - i];
            hi[i] = hiDown[nDown - 1 - i];
        }
        for (int i = 1; i < nUp; i++)
        {
            lo[nDown + i - 1] = loUp[i];
            hi[nDown + i - 1] = hiUp[i];
        }
        return (lo, hi);
    }
}
