using System.Data.Common;

namespace TasksConsole.Core.Data;

/// <summary>Parameters of the hand-written SQL.</summary>
internal static class DbCommandParameters
{
    /// <summary>
    /// Adds <paramref name="name"/> with <paramref name="value"/>, its type inferred by the provider (Npgsql sends a
    /// CLR array as a PostgreSQL array of the element type); returns the name, for the SQL text.
    /// </summary>
    public static string AddParameter(this DbCommand command, string name, object value) =>
        Add(command.Parameters, command.CreateParameter(), name, value);

    /// <summary>The same for a command of a <see cref="DbBatch"/>.</summary>
    public static string AddParameter(this DbBatchCommand command, string name, object value) =>
        Add(command.Parameters, command.CreateParameter(), name, value);

    private static string Add(DbParameterCollection parameters, DbParameter parameter, string name, object value)
    {
        parameter.ParameterName = name;
        parameter.Value = value;
        parameters.Add(parameter);
        return name;
    }
}
