using ArbitrageEngine.Benchmarks.Market;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- --filter '*'
// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- --connector-load [--seconds 20] [--rate 1000] [--symbols 4]
if (args.Contains("--connector-load"))
{
    return await ConnectorLoad.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
