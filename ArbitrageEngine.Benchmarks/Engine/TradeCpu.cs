using System.Globalization;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Performance;
using ArbitrageEngine.Engine.State;

namespace ArbitrageEngine.Benchmarks.Engine;

/// <summary>
/// <c>trade-cpu SYMBOL</c>: trades applied per second of thread CPU time to one symbol's state holding a full 24 h window
/// (the <c>trade_update_per_s</c> scenario, median of 12 batches of 1 Mi trades). CPU time instead of wall time so
/// that two builds can be compared on a machine shared with other work.
/// </summary>
public static class TradeCpu
{
    public static int Run(string symbol)
    {
        var state = new SymbolState(symbol, new EngineSettings { Symbols = [symbol] });
        var flow = EnginePerf.Flow(symbol, 0);
        var buffer = new AggTrade[1 << 20];
        while (flow.CurrentTimeMs < EnginePerf.DayMs)
        {
            flow.Fill(buffer);
            Apply(state, buffer);
        }

        var rates = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            flow.Fill(buffer);
            var cpu0 = TickProfile.ThreadCpuMs();
            Apply(state, buffer);
            rates.Add(buffer.Length / ((TickProfile.ThreadCpuMs() - cpu0) / 1e3));
        }

        rates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{symbol} trade_update_cpu_per_s median={rates[6]:0} max={rates[^1]:0}"));
        return 0;
    }

    private static void Apply(SymbolState state, AggTrade[] trades)
    {
        foreach (ref readonly var t in trades.AsSpan())
        {
            state.Apply(t);
        }
    }
}
