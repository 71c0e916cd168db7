using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.Migrations
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
                type: "TEXT",
                maxLength: 24,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RerunJobs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Filter = table.Column<string>(type: "TEXT", nullable: false),
                    KeepPriority = table.Column<bool>(type: "INTEGER", nullable: false),
                    KeepStartTimestamp = table.Column<bool>(type: "INTEGER", nullable: false),
                    AddTag = table.Column<string>(type: "TEXT", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false),
                    Created = table.Column<long>(type: "INTEGER", nullable: false),
                    Zombies = table.Column<long>(type: "INTEGER", nullable: false),
                    StopRequested = table.Column<bool>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedByUserId = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedByApplicationId = table.Column<string>(type: "TEXT", nullable: true),
                    CreationTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdateTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    FinishedTimestamp = table.Column<long>(type: "INTEGER", nullable: true)
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
