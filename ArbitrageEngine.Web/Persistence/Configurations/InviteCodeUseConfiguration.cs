using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ArbitrageEngine.Web.Persistence.Configurations;

public sealed class InviteCodeUseConfiguration : IEntityTypeConfiguration<InviteCodeUse>
{
    public void Configure(EntityTypeBuilder<InviteCodeUse> builder)
    {
        builder.ToTable("invite_code_uses");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.UserId).HasMaxLength(450);
        builder.Property(x => x.UserName).HasMaxLength(256);
        builder.Property(x => x.Ip).HasMaxLength(64);
        builder.HasIndex(x => x.InviteCodeId);
        builder.HasIndex(x => x.UserId);
    }
}
