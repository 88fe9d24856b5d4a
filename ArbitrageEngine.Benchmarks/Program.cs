using ArbitrageEngine.Benchmarks.Storage;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- --filter '*'     (BenchmarkDotNet: engine)
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- storage          (PostgreSQL ingest and warm-up)
if (args is ["storage", ..])
{
    return await StorageLoad.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
