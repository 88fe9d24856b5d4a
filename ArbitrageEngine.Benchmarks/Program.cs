using ArbitrageEngine.Benchmarks.Market;
using ArbitrageEngine.Benchmarks.Storage;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- --filter '*'     (BenchmarkDotNet: engine, parser)
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- tick-profile [--strategies 1000] [--ticks 300] [--warmup 3] [--trades-per-day N] [--list] [--score-only]
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- trade-cpu BTCUSDT   (per-trade update rate in thread CPU time)
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- storage          (PostgreSQL ingest and warm-up)
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- replay-pg        (replay from PostgreSQL: trades/s read and applied, peak memory 1 vs 2 days)
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- backtest [--days 30] [--rate 2] [--heavy-rate 100] [--in-memory] (backtest_days_per_s, backtest_trades_per_s_pg, sweep_576x7d_s)
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- archive [--rate 8] [--runs 3]  (trade archive: bytes per trade, read trades/s)
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- funding [--runs 50] (/funding statistics over 6 years of 8-hourly rates)
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- market [--trades-per-day 1000000] [--runs 20] (/market/BTCUSDT: 30 days of bars)
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- evolve [--days 7]    (one auto-evolve run: 4 symbols, 576 candidates + parents)
// scripts/pipeline-load.sh [--minutes 10] [--clients 100]                       (the live app under load; see Live/PipelineLoad.cs)
// scripts/plaza-load.sh [--strategies 1000] [--runs 5]                          (plaza first render in Chromium; see Live/PlazaLoad.cs)
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- --connector-load [--seconds 20] [--rate 1000] [--symbols 4]
if (args is ["tick-profile", ..])
{
    return ArbitrageEngine.Benchmarks.Engine.TickProfile.Run(args);
}

if (args is ["trade-cpu", var sym])
{
    return ArbitrageEngine.Benchmarks.Engine.TradeCpu.Run(sym);
}

if (args is ["storage", ..])
{
    return await StorageLoad.RunAsync(args);
}

if (args is ["replay-pg", ..])
{
    return await ReplayPgLoad.RunAsync(args);
}

if (args is ["backtest", ..])
{
    return await BacktestLoad.RunAsync(args);
}

if (args is ["archive", ..])
{
    return await ArchiveLoad.RunAsync(args);
}

if (args is ["funding", ..])
{
    return await ArbitrageEngine.Benchmarks.Funding.FundingStatsLoad.RunAsync(args);
}

if (args is ["market", ..])
{
    return await ArbitrageEngine.Benchmarks.Market.MarketPageLoad.RunAsync(args);
}

if (args is ["evolve", ..])
{
    return await ArbitrageEngine.Benchmarks.Evolve.EvolveRunLoad.RunAsync(args);
}

if (args is ["pipeline-load", ..])
{
    return await ArbitrageEngine.Benchmarks.Live.PipelineLoad.RunAsync(args);
}

if (args is ["plaza-load", ..])
{
    return await ArbitrageEngine.Benchmarks.Live.PlazaLoad.RunAsync(args);
}

if (args.Contains("--connector-load"))
{
    return await ConnectorLoad.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
