using MmsMpi.Casacore;

namespace MmsMpi.Tasks.Flagging;

/// <summary>
/// The coordinator's checks of every command against the whole MS or MMS, before any flag is saved or written:
/// data columns present, expression products available, selections accepted by MSSelection and not empty.
/// A list command whose (valid) selection matches no data is skipped with a warning, as CASA skips such agents;
/// a single command selecting nothing is an error.
/// </summary>
public static class FlagValidation
{
    private static readonly NLog.Logger Logger = Log.For<FlagDataTask>();

    public static IReadOnlyList<FlagCommand> Check(CasaTable ms, IReadOnlyList<FlagCommand> commands, bool isList)
    {
        if (!ms.HasColumn("FLAG") || !ms.HasColumn("FLAG_ROW")) throw new UserError($"'{ms.Name}' has no FLAG and FLAG_ROW columns");
        var layout = MsFlagLayout.Read(ms);
        var kept = new List<FlagCommand>();
        foreach (var command in commands)
        {
            var c = command.Antint is { } antint ? command with { Antint = antint with { ReferenceId = Antenna(layout, antint.ReferenceName) } } : command;
            string where = isList ? $" (in: {c.Text})" : "";
            if (c.Clip is { } clip) CheckColumnAndExpression(ms, layout, clip.DataColumn, clip.Expression, where);
            if (c.Tfcrop is { } tfcrop) CheckColumnAndExpression(ms, layout, tfcrop.DataColumn, tfcrop.Expression, where);
            if (c.Rflag is { } rflag) CheckColumnAndExpression(ms, layout, rflag.DataColumn, rflag.Expression, where);
            if (c.Aoflagger is { } ao) CheckColumnAndExpression(ms, layout, ao.DataColumn, VisExpression.Parse("", false), where);
            if (c.Aoflagger is not null && layout.PolCorrTypes.Any(types => types.Length is not (1 or 2 or 4)))
                throw new UserError($"aoflagger takes 1, 2 or 4 correlations per spw{where}");
            if (SelectedRows(ms, c, where) > 0) kept.Add(c);
            else if (isList) Logger.Warn($"no data selected by \"{c.Text}\": command skipped");
            else throw new UserError("the data selection selects no rows");
        }
        // task_flagdata: averaging is only for the auto-flaggers and may share a list with extend and antint only
        if (kept.Any(c => c.Clip is { Averages: true })
            && kept.FirstOrDefault(c => c.Mode is not (FlagMode.Clip or FlagMode.Rflag or FlagMode.Tfcrop or FlagMode.Extend or FlagMode.Antint)) is { } other)
            throw new UserError("Cannot use clip mode with timeavg=True or channelavg=True and additional modes other than extend, display, and antint. " +
                                $"The following mode has been set up: {other.Mode.ToString().ToLowerInvariant()}. Refusing to accept this configuration.");
        return kept.Count > 0 ? kept : throw new UserError("no command of the list selects any data");
    }

    /// <summary>antint's reference antenna by exact name, as CASA matches it.</summary>
    private static int Antenna(MsFlagLayout layout, string name)
    {
        int id = Array.IndexOf(layout.AntennaNames, name);
        return id >= 0 ? id : throw new UserError($"The antenna requested ({name}) could not be found in the input dataset");
    }

    private static long SelectedRows(CasaTable ms, FlagCommand c, string where)
    {
        if (c.Selection.IsEmpty) return ms.NRow;
        try
        {
            using var selection = MsSelection.Apply(ms, c.Selection);
            return selection.Rows.NRow;
        }
        catch (CasacoreException e)
        {
            throw new UserError($"data selection failed{where}: {e.Message.Split('\n')[0].Trim()}");
        }
    }

    /// <summary>Every product named by the expression must exist (or be computable) in some polarization setup.</summary>
    private static void CheckColumnAndExpression(CasaTable ms, MsFlagLayout layout, string datacolumn, VisExpression expression, string where)
    {
        try { FlagColumns.Require(datacolumn, ms.ColumnNames); }
        catch (UserError e) { throw new UserError(e.Message + where); }
        if (expression.IsAll) return;
        foreach (var product in expression.Products)
        {
            var single = expression with { Products = [product] };
            if (!layout.PolCorrTypes.Any(types => single.TermsFor(types).Count > 0))
                throw new UserError($"Requested polarization parameter ({product}) not available{where}");
        }
    }
}
