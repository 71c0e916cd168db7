namespace TasksConsole.Web.Api;

public sealed record PageInfo(long? Total, int Offset, int Limit);

/// <summary>EXH list envelope; <c>page.total</c> is left out under <c>skipCount()</c>.</summary>
public sealed record PagedResult<T>(PageInfo Page, IReadOnlyList<T> Data);

/// <summary>EXH answer to a mutation.</summary>
public sealed record AffectedRecordsResponse(int AffectedRecords);
