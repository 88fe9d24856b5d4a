using System.Globalization;
using System.Text;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>The Markdown report of a run, rendered from its JSON report (invariant culture, UTC times).</summary>
public static class EvolveMarkdown
{
    public static string Render(EvolveReport r, string status)
    {
        var sb = new StringBuilder();
        void L(FormattableString line) => sb.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        static string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

        L($"# Auto-evolve run {r.RunId}");
        sb.AppendLine();
        L($"- Date (Beijing): {r.BeijingDate:yyyy-MM-dd}");
        L($"- Mode: {r.Mode}{(r.Forced ? " (forced)" : "")}; trigger: {r.Trigger}; actor: {r.Actor}; status: {status}");
        L($"- Started: {T(r.StartedAt)}{(r.FinishedAt is { } f ? "; finished: " + T(f) : "")}");
        if (r.Settings is { } s)
        {
            L($"- Settings: lookback {s.LookbackDays} d, min closed {s.MinClosedTrades}, new per symbol {s.NewPerSymbol}, max auto per symbol {s.MaxAutoPerSymbol}, min age {F(s.MinAgeHours)} h, train/test {F(s.TrainDays)}/{F(s.TestDays)} d, warm-up {F(s.WarmupHours)} h, top {s.TopByTrain} by IS, dataset {s.Dataset}");
        }

        if (r.Window is { } w)
        {
            L($"- Backtest: train {T(w.From)} → {T(w.Split)}, test {T(w.Split)} → {T(w.To)}");
        }

        if (r.Sweep is { } sw)
        {
            L($"- Sweep: {sw.Strategies} strategies ({sw.Candidates} candidates + parents) in one pass, {F(sw.Seconds)} s, {sw.Evaluations} evaluations, {sw.TradesReplayed} trades replayed");
        }

        foreach (var note in r.Notes)
        {
            L($"- Note: {note}");
        }

        sb.AppendLine();
        L($"## Created ({r.Created.Count})");
        foreach (var c in r.Created)
        {
            L($"- {c.Name} ({c.Symbol}, {c.StrategyId})");
        }

        L($"## Retired ({r.Retired.Count})");
        foreach (var c in r.Retired)
        {
            L($"- {c.Name} ({c.Symbol}, {c.StrategyId}), fitness {F(c.Fitness ?? 0)}");
        }

        foreach (var sym in r.Symbols)
        {
            sb.AppendLine();
            L($"## {sym.Symbol}");
            if (sym.Regime is not null)
            {
                L($"- Regime: {sym.Regime} (avg ATR pct {F(sym.AvgAtrPct ?? 0)}, avg |slope| {F(sym.AvgAbsSlope ?? 0)}, signal rate {F(sym.SignalRate ?? 0)}, {sym.Evaluations} evaluations)");
            }

            if (sym.Note is not null)
            {
                L($"- Note: {sym.Note}");
            }

            if (sym.Parent is { } p)
            {
                L($"- Parent: {p.Name} ({p.StrategyId}), fitness {F(p.Fitness)} over {p.Trades} trades");
            }

            if (sym.ParentTrain is { } ptr && sym.ParentTest is { } pte)
            {
                L($"- Parent backtest: IS fitness {F(ptr.Fitness)} ({ptr.Trades} trades), OOS fitness {F(pte.Fitness)} ({pte.Trades} trades)");
            }

            if (sym.Top.Count > 0)
            {
                L($"- Top 3: {string.Join(", ", sym.Top.Select(t => $"{t.Name} {F(t.Fitness)}"))}");
                L($"- Bottom 3: {string.Join(", ", sym.Bottom.Select(t => $"{t.Name} {F(t.Fitness)}"))}");
            }

            if (sym.Generated > 0)
            {
                L($"- Candidates: {sym.Generated} generated, {sym.Duplicates} duplicates and {sym.Invalid} invalid dropped, {sym.Candidates.Count} backtested");
            }

            if (sym.Decision is not null)
            {
                L($"- Decision: {sym.Decision}");
            }

            if (sym.Candidates.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("| # | name | windows | TP | entry | SL | TP1/TP2 | timeout | weights | IS fitness | IS trades | IS net R | OOS fitness | OOS trades | OOS net R | IS rank | result |");
                sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
                foreach (var c in sym.Candidates.OrderBy(c => c.IsRank))
                {
                    L($"| {c.Index} | {c.Name} | {c.Fast}x{c.Slow} | {c.Profile} | {c.EntryScore} | {F(c.Sl)} | {F(c.Tp1)}/{F(c.Tp2)} | {c.Timeout} | {c.Weights} | {F(c.InSample.Fitness)} | {c.InSample.Trades} | {F(c.InSample.NetR)} | {F(c.OutOfSample.Fitness)} | {c.OutOfSample.Trades} | {F(c.OutOfSample.NetR)} | {c.IsRank} | {(c.Chosen ? "**chosen**" : c.Refusal)} |");
                }
            }
        }

        return sb.ToString();
    }
}
