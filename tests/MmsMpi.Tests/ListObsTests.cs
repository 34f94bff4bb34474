using System.Text.Json;
using System.Text.Json.Nodes;
using MmsMpi.Tests.Support;
using NUnit.Framework;

namespace MmsMpi.Tests;

/// <summary>
/// listobs of an MS against python-casacore's own reading of the same tables (scans by observation/scan/field with
/// their rows, times, spws and intents; fields; spws; antennas), and of an MMS of it: the same summary plus its
/// sub-MSs, each scan naming the sub-MS that holds it.
/// </summary>
public class ListObsTests
{
    private const string Expected = """
        import sys, json, numpy as np
        from casacore import tables as pt
        ms = sys.argv[1]
        t = pt.table(ms, ack=False)
        spw_of_ddi = pt.table(ms + '/DATA_DESCRIPTION', ack=False).getcol('SPECTRAL_WINDOW_ID')
        modes = pt.table(ms + '/STATE', ack=False).getcol('OBS_MODE')
        time, interval = t.getcol('TIME'), t.getcol('INTERVAL')
        keys = list(zip(t.getcol('OBSERVATION_ID'), t.getcol('SCAN_NUMBER'), t.getcol('FIELD_ID')))
        ddi, state = t.getcol('DATA_DESC_ID'), t.getcol('STATE_ID')
        scans = {}
        for r, k in enumerate(keys):
            s = scans.setdefault(tuple(int(x) for x in k), {'rows': 0, 'start': 1e30, 'end': -1e30, 'spws': set(), 'intents': set()})
            s['rows'] += 1
            s['start'] = min(s['start'], time[r] - interval[r] / 2)
            s['end'] = max(s['end'], time[r] + interval[r] / 2)
            s['spws'].add(int(spw_of_ddi[ddi[r]]))
            if state[r] >= 0: s['intents'].update(x.strip() for x in modes[state[r]].split(',') if x.strip())
        out = [{'key': list(k), 'rows': v['rows'], 'start': v['start'], 'end': v['end'], 'spws': sorted(v['spws']), 'intents': sorted(v['intents'])}
               for k, v in sorted(scans.items(), key=lambda kv: (kv[1]['start'], kv[0][1]))]
        sw = pt.table(ms + '/SPECTRAL_WINDOW', ack=False)
        used = sorted(set(int(spw_of_ddi[d]) for d in set(ddi)) | set(int(s) for s in spw_of_ddi))
        print(json.dumps({'rows': t.nrows(), 'scans': out,
                          'fields': pt.table(ms + '/FIELD', ack=False).getcol('NAME'),
                          'spws': [[s, int(sw.getcell('NUM_CHAN', s)), float(sw.getcell('CHAN_FREQ', s)[0])] for s in used],
                          'antennas': pt.table(ms + '/ANTENNA', ack=False).getcol('NAME')}))
        """;

    private static JsonNode ListObs(string vis)
    {
        var r = Proc.MmsMpi("listobs", "--vis", vis, "--json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return JsonNode.Parse(r.Stdout)!;
    }

    [Test]
    public void SummaryOfAnMsAgreesWithPythonCasacore()
    {
        using var tmp = new TempDir();
        var ms = GeneratedData.SmallMs;
        var got = ListObs(ms);
        var e = Proc.Python(Expected, ms);
        Assert.That(e.ExitCode, Is.EqualTo(0), e.ToString());
        var want = JsonDocument.Parse(e.Stdout).RootElement;

        Assert.That(got["rows"]!.GetValue<long>(), Is.EqualTo(want.GetProperty("rows").GetInt64()));
        var scans = got["scans"]!.AsArray();
        var wantScans = want.GetProperty("scans").EnumerateArray().ToList();
        Assert.That(scans, Has.Count.EqualTo(wantScans.Count).And.Count.GreaterThan(1));
        for (int i = 0; i < scans.Count; i++)
        {
            var (g, w) = (scans[i]!, wantScans[i]);
            var key = w.GetProperty("key").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            Assert.That(new[] { g["observation"]!.GetValue<int>(), g["scan_number"]!.GetValue<int>(), g["field_id"]!.GetValue<int>() }, Is.EqualTo(key), $"scan {i}");
            Assert.That(g["rows"]!.GetValue<long>(), Is.EqualTo(w.GetProperty("rows").GetInt64()), $"scan {i}");
            Assert.That(g["start"]!.GetValue<double>(), Is.EqualTo(w.GetProperty("start").GetDouble()).Within(1e-6), $"scan {i}");
            Assert.That(g["end"]!.GetValue<double>(), Is.EqualTo(w.GetProperty("end").GetDouble()).Within(1e-6), $"scan {i}");
            Assert.That(g["spw_ids"]!.AsArray().Select(x => x!.GetValue<int>()), Is.EqualTo(w.GetProperty("spws").EnumerateArray().Select(x => x.GetInt32())), $"scan {i}");
            Assert.That(g["intents"]!.AsArray().Select(x => x!.GetValue<string>()), Is.EqualTo(w.GetProperty("intents").EnumerateArray().Select(x => x.GetString())), $"scan {i}");
        }
        Assert.That(got["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()), Is.EqualTo(want.GetProperty("fields").EnumerateArray().Select(x => x.GetString())));
        Assert.That(got["spws"]!.AsArray().Select(s => new[] { s!["id"]!.GetValue<int>(), s["num_chan"]!.GetValue<int>() }),
            Is.EqualTo(want.GetProperty("spws").EnumerateArray().Select(s => new[] { s[0].GetInt32(), s[1].GetInt32() })));
        Assert.That(got["antennas"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()), Is.EqualTo(want.GetProperty("antennas").EnumerateArray().Select(x => x.GetString())));

        var text = Proc.MmsMpi("listobs", "--vis", ms);
        Assert.That(text.ExitCode, Is.EqualTo(0), text.ToString());
        foreach (var section in new[] { "MeasurementSet Name:", "Scans:", "Fields: ", "Spectral Windows:", "Antennas: " })
            Assert.That(text.Stdout, Does.Contain(section));
        Assert.That(text.Stdout.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d\d-\w{3}-\d{4}/")), Is.EqualTo(scans.Count), "one line per scan");
    }

    [Test]
    public void SummaryOfAnMmsIsTheMsOneWithItsSubMss()
    {
        using var tmp = new TempDir();
        var ms = GeneratedData.SmallMs;
        var part = Proc.MmsMpi("partition", "--vis", ms, "--outputvis", tmp["x.mms"], "--separationaxis", "scan", "--numsubms", "3", "--flagbackup", "false");
        Assert.That(part.ExitCode, Is.EqualTo(0), part.ToString());
        var (a, b) = (ListObs(ms), ListObs(tmp["x.mms"]));
        var members = b["mms"]!["sub_mss"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        Assert.That(members, Is.EqualTo(new[] { "x.0000.ms", "x.0001.ms", "x.0002.ms" }));
        Assert.That(b["mms"]!["axis"]!.GetValue<string>(), Is.EqualTo("scan"));
        var held = b["scans"]!.AsArray().Select(s => s!["sub_mss"]!.AsArray().Select(x => x!.GetValue<string>()).ToList()).ToList();
        Assert.That(held.All(h => h.Count == 1), Is.True, "on the scan axis each scan is in one sub-MS");
        Assert.That(held.SelectMany(h => h).Distinct().Order(), Is.EqualTo(members));
        foreach (var node in new[] { a, b })
        {
            node.AsObject().Remove("vis");
            node.AsObject().Remove("mms");
            foreach (var s in node["scans"]!.AsArray()) s!.AsObject().Remove("sub_mss");
        }
        Assert.That(b.ToJsonString(), Is.EqualTo(a.ToJsonString()), "the rest of the summary is the MS's");
    }
}
