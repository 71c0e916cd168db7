using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TasksConsole.Core.Events;

namespace TasksConsole.Core.Tasks.CrossNode;

/// <summary>A change too large for a notification: sent by id, and read from the store by whoever receives it.</summary>
public sealed record ChangeReference(TaskChangeKind Kind, string TaskId, TaskState Status, DateTimeOffset At);

/// <summary>One received notification: who sent it, its number in the sender's sequence, and its changes.</summary>
public sealed record ReceivedPayload(string Origin, long Sequence, IReadOnlyList<TaskChange> Changes, IReadOnlyList<ChangeReference> References);

/// <summary>
/// The text of a NOTIFY: compact JSON that carries the changes themselves, so that a receiving node needs no read.
/// <c>{"o":origin,"q":sequence,"c":[item,…]}</c>, an item being
/// <c>[kind,id,function,status,[tags…],timestamp,start|null,failure|null]</c> with a failure
/// <c>[id,errorType,errorName|null,errorMessage,timestamp]</c> (timestamps in Unix ms), or, for a change that
/// alone would not fit, a reference <c>[kind+2,id,status,timestamp]</c>.
/// </summary>
/// <remarks>
/// PostgreSQL refuses a payload of 8000 bytes or more; <see cref="MaxBytes"/> leaves room below that. A change is
/// about 100-150 bytes with a few tags, so one notification carries some 50-80 of them; only a long error message
/// or many long tags make a change travel as a reference.
/// </remarks>
public static class ChangePayload
{
    public const int MaxBytes = 7900;

    private const int KindCreated = 0, KindStatusChanged = 1, ReferenceOffset = 2;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // The text goes to PostgreSQL and back, never into HTML: no need to escape beyond what JSON requires.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The payloads that carry <paramref name="changes"/> in order, each under <paramref name="maxBytes"/>.</summary>
    public static List<string> Pack(string origin, ref long sequence, IReadOnlyList<TaskChange> changes, int maxBytes = MaxBytes)
    {
        var payloads = new List<string>();
        var item = new ArrayBufferWriter<byte>(256);
        var body = new ArrayBufferWriter<byte>(maxBytes);
        byte[]? prefix = null;
        var count = 0;
        const int suffixLength = 2; // "]}"

        foreach (var change in changes)
        {
            item.ResetWrittenCount();
            WriteItem(item, change);
            prefix ??= Prefix(origin, sequence);
            if (prefix.Length + item.WrittenCount + suffixLength > maxBytes)
            {
                item.ResetWrittenCount();
                WriteReference(item, change);
            }
            if (count > 0 && prefix.Length + body.WrittenCount + 1 + item.WrittenCount + suffixLength > maxBytes)
            {
                payloads.Add(Finish(prefix, body));
                sequence++;
                body.ResetWrittenCount();
                count = 0;
                prefix = Prefix(origin, sequence);
            }
            if (count > 0) body.Write(","u8);
            body.Write(item.WrittenSpan);
            count++;
        }
        if (count > 0)
        {
            payloads.Add(Finish(prefix!, body));
            sequence++;
        }
        return payloads;
    }

    /// <summary>True when <paramref name="payload"/> was sent by <paramref name="origin"/>: told without parsing it.</summary>
    public static bool IsFrom(string payload, string origin) =>
        payload.StartsWith("{\"o\":\"", StringComparison.Ordinal)
        && payload.Length > 6 + origin.Length
        && string.CompareOrdinal(payload, 6, origin, 0, origin.Length) == 0
        && payload[6 + origin.Length] == '"';

    public static ReceivedPayload Parse(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var origin = root.GetProperty("o").GetString() ?? "";
        var sequence = root.GetProperty("q").GetInt64();
        var changes = new List<TaskChange>();
        var references = new List<ChangeReference>();
        foreach (var item in root.GetProperty("c").EnumerateArray())
        {
            var code = item[0].GetInt32();
            if (code >= ReferenceOffset)
            {
                references.Add(new ChangeReference(
                    ToKind(code - ReferenceOffset), item[1].GetString()!, (TaskState)item[2].GetInt32(), FromMs(item[3])));
                continue;
            }
            var taskId = item[1].GetString()!;
            var functionName = item[2].GetString()!;
            var tags = new List<string>(item[4].GetArrayLength());
            foreach (var tag in item[4].EnumerateArray()) tags.Add(tag.GetString()!);
            DateTimeOffset? start = item[6].ValueKind == JsonValueKind.Null ? null : FromMs(item[6]);
            TaskFailedEventRecord? failure = null;
            if (item[7].ValueKind != JsonValueKind.Null)
            {
                var f = item[7];
                failure = new TaskFailedEventRecord
                {
                    Id = f[0].GetString()!,
                    TaskId = taskId,
                    FunctionName = functionName,
                    ErrorType = f[1].GetString()!,
                    ErrorName = f[2].ValueKind == JsonValueKind.Null ? null : f[2].GetString(),
                    ErrorMessage = f[3].GetString()!,
                    CreationTimestamp = FromMs(f[4]),
                };
            }
            changes.Add(TaskChange.FromOtherNode(
                ToKind(code), taskId, functionName, (TaskState)item[3].GetInt32(), tags, FromMs(item[5]), start, failure));
        }
        return new ReceivedPayload(origin, sequence, changes, references);
    }

    private static byte[] Prefix(string origin, long sequence) => Encoding.UTF8.GetBytes($"{{\"o\":\"{origin}\",\"q\":{sequence},\"c\":[");

    private static string Finish(byte[] prefix, ArrayBufferWriter<byte> body)
    {
        var bytes = new byte[prefix.Length + body.WrittenCount + 2];
        prefix.CopyTo(bytes, 0);
        body.WrittenSpan.CopyTo(bytes.AsSpan(prefix.Length));
        bytes[^2] = (byte)']';
        bytes[^1] = (byte)'}';
        return Encoding.UTF8.GetString(bytes);
    }

    private static void WriteItem(IBufferWriter<byte> output, TaskChange change)
    {
        using var json = new Utf8JsonWriter(output, WriterOptions);
        json.WriteStartArray();
        json.WriteNumberValue(change.Kind == TaskChangeKind.Created ? KindCreated : KindStatusChanged);
        json.WriteStringValue(change.TaskId);
        json.WriteStringValue(change.FunctionName);
        json.WriteNumberValue((int)change.Status);
        json.WriteStartArray();
        foreach (var tag in change.Tags) json.WriteStringValue(tag);
        json.WriteEndArray();
        json.WriteNumberValue(change.Timestamp.ToUnixTimeMilliseconds());
        if (change.StartTimestamp is { } start) json.WriteNumberValue(start.ToUnixTimeMilliseconds());
        else json.WriteNullValue();
        if (change.Failure is { } failure)
        {
            json.WriteStartArray();
            json.WriteStringValue(failure.Id);
            json.WriteStringValue(failure.ErrorType);
            if (failure.ErrorName is null) json.WriteNullValue();
            else json.WriteStringValue(failure.ErrorName);
            json.WriteStringValue(failure.ErrorMessage);
            json.WriteNumberValue(failure.CreationTimestamp.ToUnixTimeMilliseconds());
            json.WriteEndArray();
        }
        else
        {
            json.WriteNullValue();
        }
        json.WriteEndArray();
    }

    private static void WriteReference(IBufferWriter<byte> output, TaskChange change)
    {
        using var json = new Utf8JsonWriter(output, WriterOptions);
        json.WriteStartArray();
        json.WriteNumberValue((change.Kind == TaskChangeKind.Created ? KindCreated : KindStatusChanged) + ReferenceOffset);
        json.WriteStringValue(change.TaskId);
        json.WriteNumberValue((int)change.Status);
        json.WriteNumberValue(change.Timestamp.ToUnixTimeMilliseconds());
        json.WriteEndArray();
    }

    private static TaskChangeKind ToKind(int code) => code == KindCreated ? TaskChangeKind.Created : TaskChangeKind.StatusChanged;

    private static DateTimeOffset FromMs(JsonElement value) => DateTimeOffset.FromUnixTimeMilliseconds(value.GetInt64());
}
