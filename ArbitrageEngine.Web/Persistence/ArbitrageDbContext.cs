using ArbitrageEngine.Engine.Persistence.Configurations;
using ArbitrageEngine.Engine.Persistence.Entities;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ArbitrageEngine.Web.Persistence;

/// <summary>The application's database: Identity tables plus invites, audit log, strategies and trade metadata.</summary>
public sealed class ArbitrageDbContext(DbContextOptions<ArbitrageDbContext> options) : IdentityDbContext<AppUser>(options)
{
    public DbSet<InviteCode> InviteCodes => Set<InviteCode>();

    public DbSet<InviteCodeUse> InviteCodeUses => Set<InviteCodeUse>();

    public DbSet<AuditLogEntry> AuditLog => Set<AuditLogEntry>();

    public DbSet<StrategyRow> Strategies => Set<StrategyRow>();

    public DbSet<AggTradesMeta> AggTradesMeta => Set<AggTradesMeta>();

    /// <summary>The one place that decides provider and naming (snake_case) for every context instance.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(typeof(ArbitrageDbContext).Assembly.GetName().Name))
            .UseSnakeCaseNamingConvention();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // Identity's default table and index names are PascalCase; keep the whole schema snake_case.
        builder.Entity<AppUser>(b =>
        {
            b.ToTable("asp_net_users");
            b.HasIndex(u => u.NormalizedUserName).HasDatabaseName("ix_asp_net_users_normalized_user_name");
            b.HasIndex(u => u.NormalizedEmail).HasDatabaseName("ix_asp_net_users_normalized_email");
        });
        builder.Entity<IdentityRole>(b =>
        {
            b.ToTable("asp_net_roles");
            b.HasIndex(r => r.NormalizedName).HasDatabaseName("ix_asp_net_roles_normalized_name");
        });
        builder.Entity<IdentityUserRole<string>>().ToTable("asp_net_user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("asp_net_user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("asp_net_user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("asp_net_user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("asp_net_role_claims");
        // Account tables are configured here (Web); engine tables (strategies, agg_trades_meta) by the Engine.
        builder.ApplyConfigurationsFromAssembly(typeof(ArbitrageDbContext).Assembly);
        builder.ApplyConfigurationsFromAssembly(typeof(StrategyRowConfiguration).Assembly);
    }
}
