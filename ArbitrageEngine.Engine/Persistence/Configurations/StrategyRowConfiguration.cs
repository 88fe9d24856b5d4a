using ArbitrageEngine.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ArbitrageEngine.Engine.Persistence.Configurations;

public sealed class StrategyRowConfiguration : IEntityTypeConfiguration<StrategyRow>
{
    public void Configure(EntityTypeBuilder<StrategyRow> builder)
    {
        builder.ToTable("strategies", t =>
        {
            t.HasCheckConstraint("ck_strategies_direction", "direction IN ('both','long_only','short_only')");
            t.HasCheckConstraint("ck_strategies_status", "status IN ('running','paused','deprecated')");
            t.HasCheckConstraint("ck_strategies_weights", "weight_direction + weight_env + weight_aux + weight_momentum = 100");
        });
        builder.HasKey(x => x.StrategyId);
        builder.Property(x => x.StrategyId).ValueGeneratedNever();
        builder.Property(x => x.DisplayName).HasMaxLength(50);
        builder.Property(x => x.Description).HasMaxLength(200).HasDefaultValue("");
        builder.Property(x => x.Symbol).HasMaxLength(32);
        builder.Property(x => x.Direction).HasMaxLength(16).HasDefaultValue("both");
        builder.Property(x => x.Status).HasMaxLength(16).HasDefaultValue("running");
        builder.Property(x => x.CvdFastWindow).HasMaxLength(8);
        builder.Property(x => x.CvdSlowWindow).HasMaxLength(8);
        builder.Property(x => x.Tp1Ratio).HasColumnName("tp1_ratio");
        builder.Property(x => x.Tp2Ratio).HasColumnName("tp2_ratio");
        builder.Property(x => x.InitialBalance).HasColumnType("numeric(20,8)");
        builder.Property(x => x.CurrentBalance).HasColumnType("numeric(20,8)");
        builder.Property(x => x.Options).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        builder.Property(x => x.Tags).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        builder.Property(x => x.Version).IsRowVersion();
        builder.HasIndex(x => new { x.Symbol, x.Status });
    }
}
