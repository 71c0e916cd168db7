using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class DispatchPauses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DispatchPauses",
                columns: table => new
                {
                    FunctionName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false, collation: "C"),
                    PausedByUserId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    PausedBy = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    PausedTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    ResumeTimestamp = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DispatchPauses", x => x.FunctionName);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DispatchPauses");
        }
    }
}
