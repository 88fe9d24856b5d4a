using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Web.Extensions;
using ArbitrageEngine.Web.Hosting.Archive;
using Microsoft.Extensions.Configuration;

namespace ArbitrageEngine.Tests.Web.Hosting.Archive;

public sealed class ArchiveOptionsTests
{
    private static DatasetInfo Dataset(string name, string kind) => new(2, name, kind, null, DateTimeOffset.UnixEpoch);

    [Fact]
    public void DaysFor_KindDefaultsAndPerDatasetOverride_PicksTheMostSpecific()
    {
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Market:Retention:DefaultDays"] = "10",
            ["Market:Retention:Datasets:binance"] = "30",
        }).Build().GetSection(RetentionOptions.SectionName).Get<RetentionOptions>()!;

        Assert.Equal(3, options.DaysFor(Dataset("simulated-1", DatasetKinds.Simulated)));
        Assert.Equal(30, options.DaysFor(Dataset("binance", DatasetKinds.Binance)));
        Assert.Equal(10, options.DaysFor(Dataset("real-eth", DatasetKinds.Import)));
    }

    [Fact]
    public void ResolveRoot_EmptyOrRelative_BesideThePostgresDataFolderOrUnderTheProjectRoot()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LocalPostgres:DataDirectory"] = "/srv/ae/pg" }).Build();
        var empty = new ConfigurationBuilder().Build();

        Assert.Equal("/srv/ae/archive", ArchiveExtensions.ResolveRoot(config, "", "/repo"));
        Assert.Equal("/repo/.data/archive", ArchiveExtensions.ResolveRoot(empty, " ", "/repo"));
        Assert.Equal("/repo/history", ArchiveExtensions.ResolveRoot(empty, "history", "/repo"));
    }
}
