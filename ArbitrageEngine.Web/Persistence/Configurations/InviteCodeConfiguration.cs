using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ArbitrageEngine.Web.Persistence.Configurations;

public sealed class InviteCodeConfiguration : IEntityTypeConfiguration<InviteCode>
{
    public void Configure(EntityTypeBuilder<InviteCode> builder)
    {
        builder.ToTable("invite_codes", t => t.HasCheckConstraint("ck_invite_codes_uses", "uses >= 0 AND uses <= max_uses AND max_uses >= 1"));
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Code).HasMaxLength(64);
        builder.HasIndex(x => x.Code).IsUnique();
        builder.Property(x => x.CreatedBy).HasMaxLength(256);
        builder.HasMany(x => x.UseRecords).WithOne(x => x.InviteCode).HasForeignKey(x => x.InviteCodeId).OnDelete(DeleteBehavior.Restrict);
    }
}
