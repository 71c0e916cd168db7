using Microsoft.EntityFrameworkCore;

namespace TasksConsole.Core.Tasks.Search;

/// <summary>
/// Reads one value inside a JSON document in SQL; for LINQ queries only (EF translates the calls). On SQLite they
/// are its built-in <c>json_type</c> and <c>json_extract</c>; on PostgreSQL the <c>tc_json_*</c> functions that
/// its migrations create over <c>jsonb</c>. <c>path</c> is in the store's syntax (<see cref="TaskDataPath.ToStorePath"/>).
/// </summary>
public static class JsonValues
{
    /// <summary>The JSON type at the path, in the store's words (SQLite: text, integer, real, true, false, null,
    /// object, array; PostgreSQL: string, number, boolean, null, object, array); SQL NULL when there is no value.</summary>
    public static string? Type(string json, string path) => throw Untranslated();

    /// <summary>The value as text: a string's own text; read only where the type is known to be a string.</summary>
    public static string? Text(string json, string path) => throw Untranslated();

    /// <summary>The value as a number; read only where the type is known to be a number.</summary>
    public static double? Number(string json, string path) => throw Untranslated();

    internal static void Register(ModelBuilder modelBuilder, bool postgreSql)
    {
        modelBuilder.HasDbFunction(typeof(JsonValues).GetMethod(nameof(Type))!).HasName(postgreSql ? "tc_json_type" : "json_type");
        modelBuilder.HasDbFunction(typeof(JsonValues).GetMethod(nameof(Text))!).HasName(postgreSql ? "tc_json_text" : "json_extract");
        modelBuilder.HasDbFunction(typeof(JsonValues).GetMethod(nameof(Number))!).HasName(postgreSql ? "tc_json_number" : "json_extract");
    }

    private static InvalidOperationException Untranslated() =>
        new("JsonValues reads JSON inside the store's SQL; call it only inside a LINQ query over TasksDbContext.");
}
