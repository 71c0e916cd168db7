using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    Timestamp = table.Column<long>(type: "bigint", nullable: false),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ActorUserId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ActorName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ActorApplicationId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, collation: "C"),
                    RemoteAddress = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    TargetType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true, collation: "C"),
                    TargetId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true, collation: "C"),
                    Summary = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    DetailsJson = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Action_Timestamp",
                table: "AuditEntries",
                columns: new[] { "Action", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_TargetId_Timestamp",
                table: "AuditEntries",
                columns: new[] { "TargetId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Timestamp_Id",
                table: "AuditEntries",
                columns: new[] { "Timestamp", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditEntries");
        }
    }
}
