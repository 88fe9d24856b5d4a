using BenchmarkDotNet.Running;

// dotnet run -c Release --project ArbitrageEngine.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
