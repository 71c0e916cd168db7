using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class Reruns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RerunOfTaskId",
                table: "Tasks",
                type: "character varying(24)",
                maxLength: 24,
                nullable: true,
                collation: "C");

            migrationBuilder.CreateTable(
                name: "RerunJobs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    Filter = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    KeepPriority = table.Column<bool>(type: "boolean", nullable: false),
                    KeepStartTimestamp = table.Column<bool>(type: "boolean", nullable: false),
                    AddTag = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Total = table.Column<long>(type: "bigint", nullable: false),
                    Created = table.Column<long>(type: "bigint", nullable: false),
                    Zombies = table.Column<long>(type: "bigint", nullable: false),
                    StopRequested = table.Column<bool>(type: "boolean", nullable: false),
                    Error = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedByUserId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedByApplicationId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreationTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    UpdateTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    FinishedTimestamp = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RerunJobs", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_RerunOfTaskId",
                table: "Tasks",
                column: "RerunOfTaskId",
                filter: "\"RerunOfTaskId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RerunJobs");

            migrationBuilder.DropIndex(
                name: "IX_Tasks_RerunOfTaskId",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "RerunOfTaskId",
                table: "Tasks");
        }
    }
}
