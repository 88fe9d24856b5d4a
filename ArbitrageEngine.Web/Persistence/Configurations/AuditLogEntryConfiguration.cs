using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ArbitrageEngine.Web.Persistence.Configurations;

public sealed class AuditLogEntryConfiguration : IEntityTypeConfiguration<AuditLogEntry>
{
    public void Configure(EntityTypeBuilder<AuditLogEntry> builder)
    {
        builder.ToTable("audit_log");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Actor).HasMaxLength(256);
        builder.Property(x => x.ActorId).HasMaxLength(450);
        builder.Property(x => x.Action).HasMaxLength(64);
        builder.Property(x => x.TargetType).HasMaxLength(64);
        builder.Property(x => x.TargetId).HasMaxLength(450);
        builder.Property(x => x.Before).HasColumnType("jsonb");
        builder.Property(x => x.After).HasColumnType("jsonb");
        builder.Property(x => x.At).HasDefaultValueSql("now()");
        builder.Property(x => x.Ip).HasMaxLength(64);
        builder.Property(x => x.Via).HasMaxLength(64);
        builder.HasIndex(x => x.At);
        builder.HasIndex(x => new { x.TargetType, x.TargetId });
    }
}
