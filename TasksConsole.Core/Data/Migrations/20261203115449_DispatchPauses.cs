using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.Migrations
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
                    FunctionName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    PausedByUserId = table.Column<string>(type: "TEXT", nullable: true),
                    PausedBy = table.Column<string>(type: "TEXT", nullable: true),
                    PausedTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    ResumeTimestamp = table.Column<long>(type: "INTEGER", nullable: true)
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
