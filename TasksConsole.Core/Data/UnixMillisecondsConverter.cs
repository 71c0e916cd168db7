using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace TasksConsole.Core.Data;

/// <summary>
/// Stores instants as Unix milliseconds: SQLite cannot compare or sort <see cref="DateTimeOffset"/> in SQL, and
/// integers index compactly and order correctly on every provider. The API speaks milliseconds anyway.
/// </summary>
public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.ToUnixTimeMilliseconds(),
    value => DateTimeOffset.FromUnixTimeMilliseconds(value));
