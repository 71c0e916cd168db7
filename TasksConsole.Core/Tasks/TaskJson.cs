using System.Globalization;
using System.Text.Json;

namespace TasksConsole.Core.Tasks;

/// <summary>
/// A task in the EXH JSON shape, as a Lambda handler receives it for its event (<c>handler(task)</c>, then
/// <c>task.data…</c>): camelCase, ISO-8601 UTC instants, <c>data</c> verbatim, absent fields left out.
/// </summary>
public static class TaskJson
{
    public static byte[] Serialize(TaskRecord task)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", task.Id);
            json.WriteString("functionName", task.FunctionName);
            json.WritePropertyName("data");
            json.WriteRawValue(task.DataJson, skipInputValidation: true);
            json.WriteNumber("priority", task.Priority);
            json.WriteString("startTimestamp", Format(task.StartTimestamp));
            json.WriteString("status", task.Status.ToWire());
            json.WriteString("statusChangedTimestamp", Format(task.StatusChangedTimestamp));
            json.WriteStartArray("tags");
            foreach (var tag in task.Tags) json.WriteStringValue(tag);
            json.WriteEndArray();
            json.WriteString("creationTimestamp", Format(task.CreationTimestamp));
            json.WriteString("updateTimestamp", Format(task.UpdateTimestamp));
            if (task.CreatedByUserId is not null) json.WriteString("createdByUserId", task.CreatedByUserId);
            if (task.CreatedByApplicationId is not null) json.WriteString("createdByApplicationId", task.CreatedByApplicationId);
            if (task.RetryForTaskIds.Count > 0)
            {
                json.WriteStartArray("retryForTaskIds");
                foreach (var id in task.RetryForTaskIds) json.WriteStringValue(id);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
