using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ListSortIndexesIncludeId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tasks_CreationTimestamp",
                table: "Tasks");

            migrationBuilder.DropIndex(
                name: "IX_Tasks_StartTimestamp",
                table: "Tasks");

            migrationBuilder.DropIndex(
                name: "IX_Tasks_StatusChangedTimestamp",
                table: "Tasks");

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_CreationTimestamp_Id",
                table: "Tasks",
                columns: new[] { "CreationTimestamp", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_StartTimestamp_Id",
                table: "Tasks",
                columns: new[] { "StartTimestamp", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_StatusChangedTimestamp_Id",
                table: "Tasks",
                columns: new[] { "StatusChangedTimestamp", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tasks_CreationTimestamp_Id",
                table: "Tasks");

            migrationBuilder.DropIndex(
                name: "IX_Tasks_StartTimestamp_Id",
                table: "Tasks");

            migrationBuilder.DropIndex(
                name: "IX_Tasks_StatusChangedTimestamp_Id",
                table: "Tasks");

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_CreationTimestamp",
                table: "Tasks",
                column: "CreationTimestamp");

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_StartTimestamp",
                table: "Tasks",
                column: "StartTimestamp");

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_StatusChangedTimestamp",
                table: "Tasks",
                column: "StatusChangedTimestamp");
        }
    }
}
