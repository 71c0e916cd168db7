using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using Microsoft.AspNetCore.Authorization;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Tasks;

/// <summary>
/// <c>GET /console/export/tasks?format=csv|json&amp;…</c>: the tasks page's filtered set as a download, for signed-in
/// console users with VIEW_TASKS. The filter is the page's own query string (<see cref="TaskFilter"/>), so the
/// export button is a plain link. Rows stream out in chunks, newest first, up to <see cref="MaxRows"/>. Exports
/// run in slots of the <see cref="ExportGate"/>; past its caps the answer is 429 with the reason.
/// </summary>
/// <remarks>
/// Chunks are read by keyset (<c>lt(id, last)</c>, ids being time-ordered) rather than by offset, so the last chunk
/// costs what the first does. The response says how many rows matched (<c>X-Total-Count</c>) and whether the file
/// stops short of them (<c>X-Export-Truncated</c>), since a CSV body has no room for that.
/// </remarks>
public static class TaskExportEndpoint
{
    public const string Path = "/console/export/tasks";
    public const int MaxRows = 100_000;
    /// <summary>Rows held in memory at once: with data of up to 250 KB a task, at most 25 MB per running export.</summary>
    private const int ChunkSize = 100;

    private static readonly string[] CsvColumns =
    [
        "id", "functionName", "status", "priority", "startTimestamp", "creationTimestamp", "updateTimestamp",
        "statusChangedTimestamp", "tags", "createdByUserId", "createdByApplicationId", "scheduleId", "retriedByTaskId",
        "retryForTaskIds", "errorType", "errorName", "errorMessage", "data",
    ];

    public static IEndpointRouteBuilder MapTaskExport(this IEndpointRouteBuilder app)
    {
        // A console route, for the console's cookie only: an anonymous browser is sent to the sign-in page, and
        // API clients have the API (a bearer token here is not looked at).
        app.MapGet(Path, ExportAsync)
            .RequireAuthorization(new AuthorizeAttribute(Permissions.ViewTasks) { AuthenticationSchemes = AuthPrincipals.CookieScheme })
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>The export link for a filter, as the tasks page renders it.</summary>
    public static string UrlFor(TaskFilter filter, string format)
    {
        var query = filter.ToQueryString();
        return $"{Path}?format={format}{(query.Length > 0 ? "&" + query : "")}";
    }

    private static Task ExportAsync(HttpContext http, TaskQueries queries, TimeProvider clock, ExportGate gate, CancellationToken cancellationToken) =>
        gate.RunAsync(http, () => WriteExportAsync(http, queries, clock, cancellationToken));

    private static async Task WriteExportAsync(HttpContext http, TaskQueries queries, TimeProvider clock, CancellationToken cancellationToken)
    {
        var format = http.Request.Query["format"].ToString() switch
        {
            "" or "csv" => "csv",
            "json" => "json",
            _ => null,
        };
        if (format is null)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("format must be csv or json.", cancellationToken);
            return;
        }

        var filter = TaskFilter.FromQueryString(http.Request.QueryString.Value);
        var total = await queries.CountAsync(filter.ToRqlNode(), cancellationToken);
        var stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

        var response = http.Response;
        response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"tasks-{stamp}.{format}\"";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-Export-Limit"] = MaxRows.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-Export-Truncated"] = total > MaxRows ? "true" : "false";

        var rows = ReadAsync(queries, filter, cancellationToken);
        if (format == "csv") await WriteCsvAsync(response.Body, rows, cancellationToken);
        else await WriteJsonAsync(response.BodyWriter, rows, cancellationToken);
    }

    /// <summary>The matching tasks, newest first, chunk by chunk, at most <see cref="MaxRows"/>.</summary>
    internal static async IAsyncEnumerable<IReadOnlyList<TaskRecord>> ReadAsync(
        TaskQueries queries, TaskFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var conditions = filter.ToRql();
        var sent = 0;
        string? last = null;
        while (sent < MaxRows)
        {
            var parts = new List<string>();
            if (conditions.Length > 0) parts.Add(conditions);
            if (last is not null) parts.Add($"lt(id,{TaskFilter.EncodeValue(last)})");
            var limit = Math.Min(ChunkSize, MaxRows - sent);
            parts.Add($"sort(-id)&limit({limit})&skipCount()");
            var page = await queries.FindAsync(RqlParser.Parse(string.Join('&', parts)), cancellationToken, maxLimit: ChunkSize);
            if (page.Tasks.Count == 0) yield break;
            yield return page.Tasks;
            sent += page.Tasks.Count;
            last = page.Tasks[^1].Id;
            if (page.Tasks.Count < limit) yield break;
        }
    }

    private static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<IReadOnlyList<TaskRecord>> chunks, CancellationToken cancellationToken)
    {
        // The byte-order mark is how spreadsheet programs recognise UTF-8 in a CSV file.
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024);
        await writer.WriteAsync(string.Join(',', CsvColumns) + "\r\n");
        var line = new StringBuilder();
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            foreach (var task in chunk)
            {
                line.Clear();
                AppendCsvRow(line, task);
                await writer.WriteAsync(line.Append("\r\n"), cancellationToken);
            }
            await writer.FlushAsync(cancellationToken);
        }
    }

    internal static void AppendCsvRow(StringBuilder line, TaskRecord task)
    {
        string?[] fields =
        [
            task.Id,
            task.FunctionName,
            task.Status.ToWire(),
            task.Priority.ToString(CultureInfo.InvariantCulture),
            ApiJson.FormatInstant(task.StartTimestamp),
            ApiJson.FormatInstant(task.CreationTimestamp),
            ApiJson.FormatInstant(task.UpdateTimestamp),
            ApiJson.FormatInstant(task.StatusChangedTimestamp),
            // Lists as JSON arrays: tags may contain any separator a flat format could pick.
            JsonSerializer.Serialize(task.Tags),
            task.CreatedByUserId,
            task.CreatedByApplicationId,
            task.ScheduleId,
            task.RetriedByTaskId,
            task.RetryForTaskIds.Count > 0 ? JsonSerializer.Serialize(task.RetryForTaskIds) : null,
            task.ErrorType,
            task.ErrorName,
            task.ErrorMessage,
            task.DataJson,
        ];
        AppendCsvRow(line, fields);
    }

    /// <summary>One CSV line of <paramref name="fields"/>, each quoted as <see cref="AppendCsvField"/> does.</summary>
    internal static void AppendCsvRow(StringBuilder line, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) line.Append(',');
            AppendCsvField(line, fields[i]);
        }
    }

    /// <summary>RFC 4180 quoting, plus a leading apostrophe on text a spreadsheet would run as a formula.</summary>
    internal static void AppendCsvField(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !IsNumber(value)) value = "'" + value;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0 && value[0] != ' ' && value[^1] != ' ')
        {
            line.Append(value);
            return;
        }
        line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private static bool IsNumber(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    private static async Task WriteJsonAsync(PipeWriter body, IAsyncEnumerable<IReadOnlyList<TaskRecord>> chunks, CancellationToken cancellationToken)
    {
        // Over the response's PipeWriter the serializer's own Flush only commits to the pipe; the network writes
        // happen in FlushAsync (Kestrel refuses synchronous writes to the body stream).
        await using var writer = new Utf8JsonWriter(body, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartArray();
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                JsonSerializer.Serialize(writer, TaskResponse.From(chunk[i]), ApiJson.Options);
                // Data can be large (250 KB a task); hand it to the response as it comes, not a whole chunk at once.
                if (i % 100 == 99) await body.FlushAsync(cancellationToken);
            }
            await body.FlushAsync(cancellationToken);
        }
        writer.WriteEndArray();
        writer.Flush();
        await body.FlushAsync(cancellationToken);
    }
}
