using TasksConsole.Core.Rql;

namespace TasksConsole.Core.ApiFunctions;

/// <summary>The RQL fields of an API request under their EXH names (<c>duration</c> in seconds, <c>error.type</c> etc.).</summary>
public static class ApiRequestRqlFields
{
    public static RqlFieldMap<ApiRequestRecord> Map { get; } = new RqlFieldMap<ApiRequestRecord>()
        .String("id", r => r.Id)
        .String("functionName", r => r.FunctionName)
        .String("method", r => r.Method)
        .String("path", r => r.Path)
        .String("userId", r => r.UserId)
        .String("applicationId", r => r.ApplicationId)
        .Integer("statusCode", r => r.StatusCode)
        .Timestamp("timestamp", r => r.Timestamp)
        .String("error.type", r => r.ErrorType)
        .String("error.name", r => r.ErrorName)
        .String("error.message", r => r.ErrorMessage)
        .WithDefaultSort(new RqlSortKey("timestamp", Descending: true))
        .WithTieBreaker("id");
}
