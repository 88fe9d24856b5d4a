using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// API tokens get an optional expiry and a scope (read / read_write; existing tokens keep full access), and every
    /// audit entry records how its actor was authenticated ("cookie" or "token {id}").
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261130100000_TokenScopeAndAuditVia")]
    public partial class TokenScopeAndAuditVia : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE api_tokens
                    ADD COLUMN expires_at timestamptz,
                    ADD COLUMN scope text NOT NULL DEFAULT 'read_write' CHECK (scope IN ('read', 'read_write'));
                ALTER TABLE audit_log ADD COLUMN via character varying(64);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE audit_log DROP COLUMN via;
                ALTER TABLE api_tokens DROP COLUMN scope, DROP COLUMN expires_at;
                """);
        }
    }
}
