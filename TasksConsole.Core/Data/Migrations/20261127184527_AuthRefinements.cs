using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuthRefinements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LastSignInTimestamp",
                table: "Users",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SecurityStamp",
                table: "Users",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "CreatedByUserId",
                table: "Tokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FamilyId",
                table: "Tokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Tokens_ExpiresTimestamp",
                table: "Tokens",
                column: "ExpiresTimestamp");

            migrationBuilder.CreateIndex(
                name: "IX_Tokens_FamilyId",
                table: "Tokens",
                column: "FamilyId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tokens_ExpiresTimestamp",
                table: "Tokens");

            migrationBuilder.DropIndex(
                name: "IX_Tokens_FamilyId",
                table: "Tokens");

            migrationBuilder.DropColumn(
                name: "LastSignInTimestamp",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "SecurityStamp",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "CreatedByUserId",
                table: "Tokens");

            migrationBuilder.DropColumn(
                name: "FamilyId",
                table: "Tokens");
        }
    }
}
