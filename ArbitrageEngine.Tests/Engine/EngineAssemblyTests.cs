using ArbitrageEngine.Engine.Persistence.Entities;

namespace ArbitrageEngine.Tests.Engine;

public sealed class EngineAssemblyTests
{
    [Fact]
    public void ReferencedAssemblies_EngineAssembly_NoAspNetCore()
    {
        var references = typeof(StrategyRow).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();

        Assert.DoesNotContain(references, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}
