using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ArbitrageEngine.Web.Persistence;

/// <summary>Used only by <c>dotnet ef</c> to build the model for migrations; no server is contacted.</summary>
public sealed class ArbitrageDbContextFactory : IDesignTimeDbContextFactory<ArbitrageDbContext>
{
    public ArbitrageDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<ArbitrageDbContext>();
        ArbitrageDbContext.Configure(builder, "Host=127.0.0.1;Database=design_time");
        return new ArbitrageDbContext(builder.Options);
    }
}
