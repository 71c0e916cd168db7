using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TasksConsole.Core.Data.PostgreSql.Migrations
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
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    FunctionName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    Method = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, collation: "C"),
                    Path = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ApplicationId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    StatusCode = table.Column<int>(type: "integer", nullable: false),
                    Timestamp = table.Column<long>(type: "bigint", nullable: false),
                    DurationSeconds = table.Column<double>(type: "double precision", nullable: false),
                    ErrorType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true, collation: "C"),
                    ErrorName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ErrorMessage = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiRequests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ApiRequestLogLines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ApiRequestId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Timestamp = table.Column<long>(type: "bigint", nullable: false),
                    Message = table.Column<string>(type: "text", nullable: false, collation: "C")
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
