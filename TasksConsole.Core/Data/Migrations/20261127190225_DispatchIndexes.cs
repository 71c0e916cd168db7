using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class DispatchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Tasks_ClaimedBy",
                table: "Tasks",
                column: "ClaimedBy",
                filter: "\"ClaimedBy\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_Status_StartTimestamp",
                table: "Tasks",
                columns: new[] { "Status", "StartTimestamp" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tasks_ClaimedBy",
                table: "Tasks");

            migrationBuilder.DropIndex(
                name: "IX_Tasks_Status_StartTimestamp",
                table: "Tasks");
        }
    }
}
