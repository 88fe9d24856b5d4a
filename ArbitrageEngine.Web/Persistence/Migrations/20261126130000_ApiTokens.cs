using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// Per-user API tokens for the JSON API and the SignalR hub. Only a SHA-256 hash of each token is stored (the
    /// token is shown once); the prefix lets the user tell tokens apart. Deleting a user deletes their tokens.
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261126130000_ApiTokens")]
    public partial class ApiTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE api_tokens (
                    token_id uuid PRIMARY KEY,
                    user_id text NOT NULL REFERENCES asp_net_users (id) ON DELETE CASCADE,
                    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
                    prefix text NOT NULL,
                    token_hash bytea NOT NULL UNIQUE,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    last_used_at timestamptz,
                    revoked_at timestamptz
                );
                CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE api_tokens;");
        }
    }
}
