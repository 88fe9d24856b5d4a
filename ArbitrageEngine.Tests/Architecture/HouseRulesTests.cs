using ArchUnitNET.Domain;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace ArbitrageEngine.Tests.Architecture;

/// <summary>The rules of the house (docs/architecture.md), executable.</summary>
public class HouseRulesTests
{
    private static readonly ArchUnitNET.Domain.Architecture Code = new ArchLoader()
        .LoadAssemblies(typeof(ArbitrageEngine.Engine.Loop.EngineLoop).Assembly, typeof(ArbitrageEngine.Web.Hosting.Market.MarketPipelineService).Assembly)
        .Build();

    [Fact]
    public void Engine_ReferencesNoAspNetCore()
    {
        var references = typeof(ArbitrageEngine.Engine.Loop.EngineLoop).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "");
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Types().That().ResideInNamespaceMatching(@"ArbitrageEngine\.Engine(\..*)?$")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"Microsoft\.AspNetCore.*|MudBlazor.*|Plotly.*")
            .Check(Code);
    }

    [Fact]
    public void EngineNamespaces_AreFreeOfCycles() =>
        SliceRuleDefinition.Slices().Matching("ArbitrageEngine.Engine.(*)").Should().BeFreeOfCycles().Check(Code);

    [Fact]
    public void Components_DoNotTouchNpgsql() =>
        Types().That().ResideInNamespaceMatching(@"ArbitrageEngine\.Web\.Components.*")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"Npgsql.*")
            .Check(Code);

    [Fact]
    public void EngineLoop_DoesNotDependOnPersistence() =>
        Types().That().ResideInNamespaceMatching(@"ArbitrageEngine\.Engine\.Loop.*")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"ArbitrageEngine\.Engine\.Persistence.*|Npgsql.*")
            .Check(Code);
}
