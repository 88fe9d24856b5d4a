using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// Notification channels (secrets encrypted with ASP.NET Data Protection, never stored in clear), per-user
    /// subscriptions and the delivery log. Accessed with Npgsql (no entities).
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261130111000_Notifications")]
    public partial class Notifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE notification_channels (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    name text NOT NULL UNIQUE,
                    kind text NOT NULL CHECK (kind IN ('discord', 'telegram', 'webhook')),
                    target text NOT NULL DEFAULT '',
                    secret_protected text NOT NULL,
                    secret_hint text NOT NULL,
                    max_per_minute integer NOT NULL CHECK (max_per_minute BETWEEN 1 AND 600),
                    enabled boolean NOT NULL DEFAULT true,
                    created_by text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                );

                CREATE TABLE notification_subscriptions (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    user_id text NOT NULL REFERENCES asp_net_users (id) ON DELETE CASCADE,
                    channel_id bigint NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
                    kind text NOT NULL,
                    strategy_ids uuid[] NULL,
                    UNIQUE (user_id, channel_id, kind)
                );

                CREATE TABLE notification_deliveries (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    channel_id bigint NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
                    kind text NOT NULL,
                    title text NOT NULL,
                    status text NOT NULL CHECK (status IN ('delivered', 'failed')),
                    attempts integer NOT NULL,
                    http_status integer NULL,
                    error text NULL,
                    coalesced integer NOT NULL DEFAULT 1,
                    created_ms bigint NOT NULL,
                    finished_ms bigint NOT NULL
                );
                CREATE INDEX ix_notification_deliveries_channel ON notification_deliveries (channel_id, id DESC);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS notification_deliveries;
                DROP TABLE IF EXISTS notification_subscriptions;
                DROP TABLE IF EXISTS notification_channels;
                """);
        }
    }
}
