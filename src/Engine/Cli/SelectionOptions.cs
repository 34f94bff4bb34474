using System.CommandLine;
using MmsMpi.Casacore;

namespace MmsMpi.Cli;

/// <summary>CASA's data-selection parameters, shared by every task command.</summary>
public sealed class SelectionOptions
{
    private readonly Option<string> _field = Opt("--field", "Field ids or names, e.g. '0,2' or '3C286'");
    private readonly Option<string> _spw = Opt("--spw", "Spws with optional channel ranges, e.g. '0,1:10~20'");
    private readonly Option<string> _scan = Opt("--scan", "Scan numbers, e.g. '1~3,5'");
    private readonly Option<string> _antenna = Opt("--antenna", "Antennas or baselines, e.g. 'ea01&ea02' or '!ea03'");
    private readonly Option<string> _timerange = Opt("--timerange", "Time range, e.g. '2010/10/16/14:00:00~14:10:00'");
    private readonly Option<string> _correlation = Opt("--correlation", "Correlations, e.g. 'RR,LL'");
    private readonly Option<string> _intent = Opt("--intent", "Scan intents, e.g. '*TARGET*'");
    private readonly Option<string> _observation = Opt("--observation", "Observation ids");
    private readonly Option<string> _array = Opt("--array", "Array ids");
    private readonly Option<string> _uvrange = Opt("--uvrange", "uv range, e.g. '0~2km'");
    private readonly Option<string> _feed = Opt("--feed", "Feed ids");
    private readonly Option<string> _taql = Opt("--taql", "Extra TaQL condition on the main table");

    public void AddTo(Command command)
    {
        foreach (var o in new[] { _field, _spw, _scan, _antenna, _timerange, _correlation, _intent, _observation, _array, _uvrange, _feed, _taql })
            command.Add(o);
    }

    public SelectionExprs Read(ParseResult r) => new(
        r.GetValue(_field)!, r.GetValue(_spw)!, r.GetValue(_scan)!, r.GetValue(_antenna)!, r.GetValue(_timerange)!,
        r.GetValue(_correlation)!, r.GetValue(_intent)!, r.GetValue(_observation)!, r.GetValue(_array)!,
        r.GetValue(_uvrange)!, r.GetValue(_feed)!, r.GetValue(_taql)!);

    private static Option<string> Opt(string name, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => "" };
}
