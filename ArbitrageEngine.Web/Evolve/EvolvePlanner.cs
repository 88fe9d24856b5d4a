using System.Globalization;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Evolve;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Persistence;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>What a run decided: the report, and (for apply) the strategies to create and to retire.</summary>
public sealed record EvolvePlan(EvolveReport Report, IReadOnlyList<StrategyDefinition> Creations, IReadOnlyList<StrategyRef> Retirements);

/// <summary>
/// Computes one run (evolve.md §2–6): fitness over the lookback, regime, parent, candidates, ONE sweep through the
/// backtest runner over the last train + test days of the dataset, selection by test-day fitness, names and retirements.
/// Writes nothing.
/// </summary>
public sealed class EvolvePlanner(
    EvolveReads reads,
    MarketDatabase database,
    EvolveBacktests backtests,
    IOptions<EvolveOptions> options,
    IOptions<MarketOptions> market,
    IOptions<PaperOptions> paper)
{
    private const long DayMs = 86_400_000;

    public async Task<EvolvePlan> PlanAsync(
        ArbitrageDbContext db, EvolveReport header, DateTimeOffset now, Action<string> stage,
        IProgress<BacktestProgress>? sweepProgress, CancellationToken ct)
    {
        var o = options.Value;
        var s = o.ToSettings();
        var nowMs = now.ToUnixTimeMilliseconds();
        stage("reading strategies and trades");
        var stored = await EvolveReads.StrategiesAsync(db, ct);
        var running = stored.Where(x => x.Definition.Status == StrategyStatus.Running).ToList();
        var lookbackPnl = await reads.ClosedPnlAsync([.. running.Select(r => r.Definition.StrategyId)], nowMs - s.LookbackDays * DayMs, nowMs, ct);
        var fitness = running.ToDictionary(
            r => r.Definition.StrategyId,
            r => Figures.Of(lookbackPnl.GetValueOrDefault(r.Definition.StrategyId) ?? [], s.LookbackDays, s.MinClosedTrades));

        var dataset = await DatasetAsync(o, ct);
        var ranges = (await (await database.DatasetsAsync(ct)).RangesAsync(dataset.Id, ct)).ToDictionary(r => r.Symbol, StringComparer.Ordinal);
        var report = header with
        {
            Settings = new ReportSettings(s.LookbackDays, s.MinClosedTrades, s.NewPerSymbol, s.MaxAutoPerSymbol, s.MinAgeBeforeRetire.TotalHours,
                s.TrainDays, s.TestDays, s.WarmupHours, s.TopByTrain, dataset.Name),
        };

        // Per symbol: regime, parent, and whether it can take part in the sweep.
        stage("regime and parents");
        var symbols = new List<SymbolWork>();
        foreach (var symbol in market.Value.Symbols)
        {
            var mine = running.Where(r => r.Definition.Symbol == symbol).ToList();
            if (mine.Count == 0)
            {
                report.Symbols.Add(new SymbolReport { Symbol = symbol, Note = "skipped: no running strategy" });
                continue;
            }

            var ids = mine.Select(m => m.Definition.StrategyId).ToList();
            var regime = await reads.RegimeAsync(ids, nowMs - DayMs, nowMs, ct);
            var rows = mine.Select(m => Row(m.Definition, fitness[m.Definition.StrategyId]))
                .OrderByDescending(r => r.Fitness).ThenBy(r => mine.FindIndex(m => m.Definition.StrategyId == r.StrategyId)).ToList();
            var parent = mine.First(m => m.Definition.StrategyId == rows[0].StrategyId);
            var closed = rows.Sum(r => r.Trades);
            var note = closed == 0
                ? $"not enough closed trades: none in the last {s.LookbackDays} days; nothing created"
                : !ranges.ContainsKey(symbol) ? $"not enough recorded data: dataset {dataset.Name} has no trades of {symbol}; nothing created" : null;
            symbols.Add(new SymbolWork(symbol, mine, parent, regime, new SymbolReport
            {
                Symbol = symbol,
                Regime = regime.Evaluations == 0 ? null : regime.Regime.Name(),
                AvgAtrPct = Math.Round(regime.AvgAtrPct, 4),
                AvgAbsSlope = Math.Round(regime.AvgAbsSlope, 4),
                SignalRate = Math.Round(regime.SignalRate, 6),
                Evaluations = regime.Evaluations,
                RunningStrategies = mine.Count,
                Parent = rows[0],
                Top = [.. rows.Take(3)],
                Bottom = [.. rows.AsEnumerable().Reverse().Take(3)],
                Note = note ?? (regime.Evaluations == 0 ? $"not enough recorded data: no evaluations in the last 24 h; nothing created" : null),
            }));
        }

        // The backtest range: the last train + test days every taking part symbol has recorded.
        var eligible = symbols.Where(w => w.Report.Note is null).ToList();
        var spanMs = (long)Math.Round((s.TrainDays + s.TestDays) * DayMs);
        var toMs = eligible.Count == 0 ? 0 : eligible.Min(w => ranges[w.Symbol].LastTimeMs) + 1;
        var fromMs = toMs - spanMs;
        var splitMs = fromMs + (long)Math.Round(s.TrainDays * DayMs);
        foreach (var w in eligible.Where(w => ranges[w.Symbol].FirstTimeMs > fromMs))
        {
            var have = (toMs - ranges[w.Symbol].FirstTimeMs) / 3_600_000.0;
            w.Report = w.Report with
            {
                Note = string.Create(CultureInfo.InvariantCulture, $"not enough recorded data: {have:0.#} h in dataset {dataset.Name}, {spanMs / 3_600_000.0:0.#} h needed; nothing created"),
            };
        }

        eligible = [.. eligible.Where(w => w.Report.Note is null)];
        if (eligible.Count > 0)
        {
            report = report with { Window = new ReportWindow(DateTimeOffset.FromUnixTimeMilliseconds(fromMs), DateTimeOffset.FromUnixTimeMilliseconds(splitMs), DateTimeOffset.FromUnixTimeMilliseconds(toMs)) };
        }

        // Candidates of every taking part symbol, then one sweep with all of them and the parents.
        stage("generating candidates");
        var sweep = new List<StrategyDefinition>();
        foreach (var w in eligible)
        {
            var regime = w.Regime.Regime;
            var generated = CandidateGrid.Generate(w.Parent.Definition, regime);
            var (kept, dropped) = CandidateGrid.Filter(generated, w.Running.Select(r => r.Definition), market.Value.Symbols);
            w.Candidates = [.. kept.Select((c, i) => c with
            {
                Strategy = c.Strategy with
                {
                    StrategyId = Guid.NewGuid(),
                    DisplayName = string.Create(CultureInfo.InvariantCulture, $"cand-{EvolveNaming.Coin(w.Symbol)}-{i + 1}"),
                },
            })];
            w.Report = w.Report with
            {
                Generated = generated.Count,
                Duplicates = dropped.Count(d => d.Reason.StartsWith("duplicate", StringComparison.Ordinal)),
                Invalid = dropped.Count(d => d.Reason.StartsWith("invalid", StringComparison.Ordinal)),
                InvalidReasons = [.. dropped.Where(d => d.Reason.StartsWith("invalid", StringComparison.Ordinal)).Select(d => d.Reason).Distinct(StringComparer.Ordinal).Take(5)],
            };
            sweep.AddRange(w.Candidates.Select(c => c.Strategy));
            sweep.Add(w.Parent.Definition with { CurrentBalance = w.Parent.Definition.InitialBalance });
        }

        BacktestResult? result = null;
        if (eligible.Count > 0)
        {
            stage("backtesting candidates");
            var runner = await backtests.ForAsync(dataset, ct);
            result = await runner.RunAsync(new BacktestRequest
            {
                Strategies = sweep,
                Symbols = [.. eligible.Select(w => w.Symbol)],
                Dataset = dataset,
                FromMs = fromMs,
                ToMs = toMs,
                WarmupMs = (long)Math.Round(s.WarmupHours * 3_600_000),
                Paper = MarketPipelineService.PaperSettingsFrom(paper.Value),
            }, sweepProgress, ct);
            if (result.Cancelled)
            {
                throw new OperationCanceledException("the candidate backtest was cancelled");
            }

            report = report with
            {
                Sweep = new ReportSweep(sweep.Count, sweep.Count - eligible.Count, Math.Round(result.Seconds, 3), result.Evaluations, result.TradesReplayed, result.Cancelled),
            };
        }

        // Selection, names, retirements.
        stage("selecting");
        var trainPnl = new Dictionary<Guid, List<double>>();
        var testPnl = new Dictionary<Guid, List<double>>();
        foreach (var t in result?.Trades ?? [])
        {
            if (t.Position.ExitTimeMs is not { } exit || t.Position.PnlR is not { } pnl || exit < fromMs || exit >= toMs)
            {
                continue;
            }

            var target = exit < splitMs ? trainPnl : testPnl;
            if (!target.TryGetValue(t.Position.StrategyId, out var list))
            {
                target[t.Position.StrategyId] = list = [];
            }

            list.Add(pnl);
        }

        PeriodFigures Train(Guid id) => Figures.Of(trainPnl.GetValueOrDefault(id) ?? [], s.TrainDays, s.MinClosedTrades);
        PeriodFigures Test(Guid id) => Figures.Of(testPnl.GetValueOrDefault(id) ?? [], s.TestDays, s.MinClosedTrades);

        var creations = new List<StrategyDefinition>();
        var retirements = new List<StrategyRef>();
        var taken = stored.Select(x => x.Definition.DisplayName).ToHashSet(StringComparer.Ordinal);
        var date = header.BeijingDate;
        foreach (var w in symbols)
        {
            StrategyDefinition? created = null;
            if (eligible.Contains(w))
            {
                var proven = w.Candidates.Select((c, i) => new ProvenCandidate(i, Train(c.Strategy.StrategyId), Test(c.Strategy.StrategyId))).ToList();
                var parentTrain = Train(w.Parent.Definition.StrategyId);
                var parentTest = Test(w.Parent.Definition.StrategyId);
                var choice = Selection.Choose(proven, parentTest.Fitness, s.TopByTrain);
                var ranks = proven.OrderByDescending(p => p.Train.Fitness).ThenBy(p => p.Index).Select((p, rank) => (p.Index, rank)).ToDictionary(x => x.Index, x => x.rank + 1);
                if (choice.ChosenIndex is { } chosen)
                {
                    var c = w.Candidates[chosen];
                    var id = Guid.CreateVersion7(now);
                    var name = EvolveNaming.UniqueName(EvolveNaming.BaseName(w.Symbol, c.Strategy.CvdFastWindow, c.Strategy.CvdSlowWindow, c.Profile, date), id, taken);
                    taken.Add(name);
                    created = c.Strategy with
                    {
                        StrategyId = id,
                        DisplayName = name,
                        Description = EvolveNaming.Description(w.Parent.Definition, w.Regime.Regime, proven[chosen].Train.Fitness, proven[chosen].Test.Fitness, parentTest.Fitness),
                        Tags = EvolveNaming.Tags(w.Parent.Definition.StrategyId),
                        Status = StrategyStatus.Running,
                        CurrentBalance = c.Strategy.InitialBalance,
                    };
                    var errors = StrategyValidator.Validate(created, market.Value.Symbols);
                    if (errors.Count > 0)
                    {
                        w.Report = w.Report with { Note = "chosen candidate refused by the validator: " + string.Join("; ", errors.Select(e => e.Key + ": " + string.Join(" ", e.Value))) };
                        created = null;
                    }
                    else
                    {
                        creations.Add(created);
                    }
                }

                w.Report = w.Report with
                {
                    ParentTrain = Period(parentTrain),
                    ParentTest = Period(parentTest),
                    Decision = choice.Summary,
                    Created = created is null ? null : new StrategyRef(created.StrategyId, created.DisplayName, created.Symbol, proven[choice.ChosenIndex!.Value].Test.Fitness, "created"),
                    Candidates = [.. w.Candidates.Select((c, i) => new CandidateRow
                    {
                        Index = i + 1,
                        Name = created is not null && i == choice.ChosenIndex ? created.DisplayName : c.Strategy.DisplayName,
                        Profile = c.Profile,
                        Fast = c.Strategy.CvdFastWindow.Name(),
                        Slow = c.Strategy.CvdSlowWindow.Name(),
                        EntryScore = c.Strategy.EntryScore,
                        Sl = c.Strategy.SlAtrMultiplier,
                        Tp1 = c.Strategy.Tp1Ratio,
                        Tp2 = c.Strategy.Tp2Ratio,
                        Timeout = c.Strategy.TimeoutMinutes,
                        Weights = new Weights(c.Strategy.WeightDirection, c.Strategy.WeightEnv, c.Strategy.WeightAux, c.Strategy.WeightMomentum).ToString(),
                        InSample = Period(proven[i].Train),
                        OutOfSample = Period(proven[i].Test),
                        IsRank = ranks[i],
                        Chosen = created is not null && i == choice.ChosenIndex,
                        Refusal = choice.Refusals.GetValueOrDefault(i),
                    })],
                };
            }

            // Retirement (evolve.md §6) counts the running auto-created strategies including this run's.
            var auto = w.Running.Where(r => EvolveNaming.IsAutoCreated(r.Definition))
                .Select(r => new RetirementCandidate(r.Definition.StrategyId, r.Definition.DisplayName, r.CreatedAt, fitness[r.Definition.StrategyId].Fitness, false))
                .ToList();
            if (created is not null)
            {
                auto.Add(new RetirementCandidate(created.StrategyId, created.DisplayName, now, 0, true));
            }

            var retire = Retirement.Choose(auto, s.MaxAutoPerSymbol, s.MinAgeBeforeRetire, now)
                .Select(r => new StrategyRef(r.StrategyId, r.Name, w.Symbol, r.Fitness, "lowest fitness above the cap")).ToList();
            retirements.AddRange(retire);
            w.Report = w.Report with { Retired = retire };
        }

        report.Symbols.AddRange(symbols.Select(w => w.Report));
        report.Symbols.Sort((a, b) => Array.IndexOf(market.Value.Symbols, a.Symbol).CompareTo(Array.IndexOf(market.Value.Symbols, b.Symbol)));
        report.Created.AddRange(creations.Select(c => new StrategyRef(c.StrategyId, c.DisplayName, c.Symbol)));
        report.Retired.AddRange(retirements);
        return new EvolvePlan(report, creations, retirements);
    }

    private async Task<DatasetInfo> DatasetAsync(EvolveOptions o, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(o.Dataset))
        {
            return await database.DatasetAsync(ct);
        }

        var catalog = await database.DatasetsAsync(ct);
        return await catalog.FindAsync(o.Dataset.Trim(), ct) ?? throw new DatasetNotFoundException(o.Dataset.Trim(), await catalog.ListAsync(ct));
    }

    private static FitnessRow Row(StrategyDefinition d, PeriodFigures f) => new(d.StrategyId, d.DisplayName, f.Fitness, f.Trades, f.NetR, f.WinRate);

    private static PeriodRow Period(PeriodFigures f) => new(f.Fitness, f.Trades, f.NetR, f.WinRate);

    private sealed class SymbolWork(string symbol, List<StoredStrategy> running, StoredStrategy parent, RegimeFigures regime, SymbolReport report)
    {
        public string Symbol { get; } = symbol;
        public List<StoredStrategy> Running { get; } = running;
        public StoredStrategy Parent { get; } = parent;
        public RegimeFigures Regime { get; } = regime;
        public SymbolReport Report { get; set; } = report;
        public List<Candidate> Candidates { get; set; } = [];
    }
}
