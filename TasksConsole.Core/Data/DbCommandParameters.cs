using System.Data.Common;

namespace TasksConsole.Core.Data;

/// <summary>Parameters of the hand-written SQL.</summary>
internal static class DbCommandParameters
{
    /// <summary>
    /// Adds <paramref name="name"/> with <paramref name="value"/>, its type inferred by the provider (Npgsql sends a
    /// CLR array as a PostgreSQL array of the element type); returns the name, for the SQL text.
    /// </summary>
    public static string AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return name;
    }
}
