using ArbitrageEngine.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ArbitrageEngine.Engine.Persistence.Configurations;

public sealed class AggTradesMetaConfiguration : IEntityTypeConfiguration<AggTradesMeta>
{
    public void Configure(EntityTypeBuilder<AggTradesMeta> builder)
    {
        builder.ToTable("agg_trades_meta");
        builder.HasKey(x => x.Symbol);
        builder.Property(x => x.Symbol).HasMaxLength(32);
        builder.Property(x => x.UpdatedAt).HasDefaultValueSql("now()");
    }
}
