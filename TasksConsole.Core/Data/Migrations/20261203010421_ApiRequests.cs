using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ApiRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ApiRequests",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    FunctionName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Path = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: true),
                    ApplicationId = table.Column<string>(type: "TEXT", nullable: true),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: false),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    DurationSeconds = table.Column<double>(type: "REAL", nullable: false),
                    ErrorType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    ErrorName = table.Column<string>(type: "TEXT", nullable: true),
                    ErrorMessage = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiRequests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ApiRequestLogLines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ApiRequestId = table.Column<string>(type: "TEXT", nullable: false),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiRequestLogLines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApiRequestLogLines_ApiRequests_ApiRequestId",
                        column: x => x.ApiRequestId,
                        principalTable: "ApiRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiRequestLogLines_ApiRequestId_Timestamp",
                table: "ApiRequestLogLines",
                columns: new[] { "ApiRequestId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_ApiRequests_FunctionName_Timestamp",
                table: "ApiRequests",
                columns: new[] { "FunctionName", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_ApiRequests_Timestamp_Id",
                table: "ApiRequests",
                columns: new[] { "Timestamp", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApiRequestLogLines");

            migrationBuilder.DropTable(
                name: "ApiRequests");
        }
    }
}
