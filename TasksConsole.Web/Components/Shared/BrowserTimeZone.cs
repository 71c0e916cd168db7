using Microsoft.JSInterop;

namespace TasksConsole.Web.Components.Shared;

/// <summary>
/// The signed-in browser's time zone (one per circuit), for forms that take a local date and time. Times are
/// stored and sent as UTC; this only decides how they are entered and shown. Falls back to UTC when the browser
/// cannot tell (or while prerendering, where there is no browser yet).
/// </summary>
public sealed class BrowserTimeZone(IJSRuntime js)
{
    public const string ModulePath = "./js/browser-time.js";

    private TimeZoneInfo? _zone;

    /// <summary>The zone, once it is known; UTC until then.</summary>
    public TimeZoneInfo Current => _zone ?? TimeZoneInfo.Utc;

    public async ValueTask<TimeZoneInfo> GetAsync()
    {
        if (_zone is not null) return _zone;
        try
        {
            await using var module = await js.InvokeAsync<IJSObjectReference?>("import", ModulePath);
            if (module is null) return TimeZoneInfo.Utc;
            _zone = Resolve(await module.InvokeAsync<string?>("timeZone"));
            return _zone;
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
            // Not cached: the next call, from an interactive render, may well succeed.
            return TimeZoneInfo.Utc;
        }
    }

    /// <summary>The zone for an IANA (or Windows) id; UTC for a missing or unknown one.</summary>
    public static TimeZoneInfo Resolve(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>A short label such as "Europe/Brussels (UTC+01:00)" for the offset at <paramref name="at"/>.</summary>
    public static string Describe(TimeZoneInfo zone, DateTimeOffset at)
    {
        if (zone == TimeZoneInfo.Utc) return "UTC";
        var offset = zone.GetUtcOffset(at);
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return $"{zone.Id} (UTC{sign}{offset.Duration():hh\\:mm})";
    }
}
