using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// Per-user UI preferences (language first), in a table of their own rather than columns on the Identity user.
    /// No foreign key: the user table may move, and a row of a deleted user is harmless.
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261130120000_UserPreferences")]
    public partial class UserPreferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE user_preferences (
                    user_id text PRIMARY KEY,
                    language text NULL CHECK (language IS NULL OR language IN ('en', 'zh-CN')),
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS user_preferences;");
        }
    }
}
