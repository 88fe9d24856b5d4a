using System.Diagnostics;
using System.Text.Json;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Conformance;

/// <summary>Counts of one replay.</summary>
public sealed record ReplaySummary(int Events, int Ticks, TimeSpan Elapsed);

/// <summary>
/// Replays a golden stream through the real <see cref="SignalEngine"/> and paper broker and writes the
/// engine's own <c>expect_*</c> lines (golden/README.md). Time comes only from the events.
/// </summary>
public static class GoldenRunner
{
    public static ReplaySummary Run(GoldenStream stream, Stream output)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        var sink = new ExpectationWriter(writer, output);
        var summary = Replay(stream, sink);
        writer.Flush();
        return summary;
    }

    /// <summary>
    /// Feeds every input to a fresh <see cref="EngineLoop"/> with <paramref name="sink"/> attached. The stream carries its
    /// own clock (explicit tick inputs), so the loop is ticked exactly where the stream says.
    /// </summary>
    public static ReplaySummary Replay(GoldenStream stream, IEngineEventSink sink)
    {
        var loop = new EngineLoop(stream.Engine, stream.Paper, sink, new EngineLoopOptions { PriceIntervalMs = 0 });
        var ticks = 0;
        var clock = Stopwatch.StartNew();
        foreach (var input in stream.Inputs)
        {
            switch (input)
            {
                case TradeInput t:
                    loop.Apply(MarketEvent.ForTrade(t.Symbol, t.Trade));
                    break;
                case FeatureInput f:
                    loop.Apply(MarketEvent.ForFeature(f.Symbol, f.Key, f.Value, f.TimeMs));
                    break;
                case TickInput tick:
                    loop.Tick(tick.TimeMs);
                    ticks++;
                    break;
                case StrategyInput s:
                    // Part of the stream's set-up (golden/README.md): in effect at once, like strategies loaded at start.
                    loop.Load([s.Strategy]);
                    break;
            }
        }

        return new ReplaySummary(stream.Inputs.Count, ticks, clock.Elapsed);
    }

    /// <summary>Writes each engine event as one JSON line in the golden format.</summary>
    private sealed class ExpectationWriter(Utf8JsonWriter w, Stream output) : IEngineEventSink
    {
        private static readonly byte[] NewLine = "\n"u8.ToArray();

        private void End()
        {
            w.WriteEndObject();
            w.Flush();
            output.Write(NewLine);
            w.Reset();
        }

        public void Publish(EngineEvent e)
        {
            switch (e)
            {
                case SnapshotTaken s:
                    OnSnapshot(s.Snapshot);
                    break;
                case EvaluationProduced r:
                    OnResult(r.Result);
                    break;
                case PositionOpened o:
                    OnPositionOpened(o.Position);
                    break;
                case Tp1Hit t:
                    OnTp1(t.Position);
                    break;
                case PositionClosed c:
                    OnPositionClosed(c.Position, c.BalanceAfter);
                    break;
            }
        }

        private void Begin(string type)
        {
            w.WriteStartObject();
            w.WriteString("type", type);
        }

        private void OnSnapshot(MarketSnapshot s)
        {
            Begin("expect_snapshot");
            w.WriteString("symbol", s.Symbol);
            w.WriteNumber("time_ms", s.TimeMs);
            w.WriteNumber("cvd_fast", s.CvdFast);
            w.WriteNumber("cvd_mid", s.CvdMid);
            w.WriteNumber("cvd_day", s.CvdDay);
            w.WriteNumber("vwap", s.Vwap);
            w.WriteNumber("price", s.Price);
            w.WriteNumber("atr", s.Atr);
            w.WriteNumber("atr_pct", s.AtrPct);
            w.WriteNumber("p95", s.P95);
            w.WriteNumber("p99", s.P99);
            w.WriteNumber("cvd_fast_slope", s.CvdFastSlope);
            w.WriteNumber("cvd_fast_accel", s.CvdFastAccel);
            w.WriteNumber("oi_change", s.OiChange);
            w.WriteNumber("environment_score", s.EnvironmentScore);
            w.WriteBoolean("warm", s.Warm);
            End();
        }

        private void OnResult(ScoreResult r)
        {
            Begin("expect_result");
            w.WriteString("strategy_id", r.StrategyId);
            w.WriteString("symbol", r.Symbol);
            w.WriteNumber("time_ms", r.TimeMs);
            WriteNullable("signal", r.Signal?.Name());
            WriteNullable("tier", r.Tier);
            w.WriteNumber("score", r.Score);
            w.WriteNumber("score_unrounded", r.ScoreUnrounded);
            WriteNullable("direction", r.Direction?.Name());
            if (r.GatePassed is { } passed)
            {
                w.WriteBoolean("gate_passed", passed);
            }
            else
            {
                w.WriteNull("gate_passed");
            }

            WriteNullable("gate_block", r.GateBlock);
            WriteNullable("regime", r.Regime);
            if (r.Layers is { } layers)
            {
                w.WriteNumber("cvd_fast", r.CvdFast);
                w.WriteNumber("cvd_slow", r.CvdSlow);
                w.WriteStartObject("layers");
                WriteLayer("direction", layers.Direction);
                WriteLayer("crowding", layers.Crowding);
                WriteLayer("environment", layers.Environment);
                WriteLayer("auxiliary", layers.Auxiliary);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("layers");
            }

            End();
        }

        private void OnPositionOpened(PositionSnapshot p)
        {
            Begin("expect_open");
            w.WriteString("strategy_id", p.StrategyId);
            w.WriteNumber("time_ms", p.EntryTimeMs);
            w.WriteString("direction", p.Direction.Name());
            w.WriteNumber("entry", p.Entry);
            w.WriteNumber("sl", p.Sl);
            w.WriteNumber("tp1", p.Tp1);
            w.WriteNumber("tp2", p.Tp2);
            w.WriteString("tier", p.Tier);
            w.WriteNumber("risk_usd", p.RiskUsd);
            End();
        }

        private void OnTp1(PositionSnapshot p)
        {
            Begin("expect_tp1");
            w.WriteString("strategy_id", p.StrategyId);
            w.WriteNumber("time_ms", p.Tp1TimeMs ?? 0);
            w.WriteNumber("stop", p.Stop);
            End();
        }

        private void OnPositionClosed(PositionSnapshot p, double balanceAfter)
        {
            Begin("expect_close");
            w.WriteString("strategy_id", p.StrategyId);
            w.WriteNumber("time_ms", p.ExitTimeMs ?? 0);
            w.WriteString("status", p.Status.Name());
            w.WriteNumber("exit_price", p.ExitPrice ?? 0);
            w.WriteNumber("pnl_r", p.PnlR ?? 0);
            w.WriteNumber("pnl_usdt", p.PnlUsdt ?? 0);
            w.WriteNumber("balance_after", balanceAfter);
            End();
        }

        private void WriteLayer(string name, LayerScore layer)
        {
            w.WriteStartObject(name);
            w.WriteNumber("score", layer.Score);
            w.WriteNumber("max", layer.Max);
            w.WriteNumber("raw", layer.Raw);
            w.WriteEndObject();
        }

        private void WriteNullable(string name, string? value)
        {
            if (value is null)
            {
                w.WriteNull(name);
            }
            else
            {
                w.WriteString(name, value);
            }
        }
    }
}
