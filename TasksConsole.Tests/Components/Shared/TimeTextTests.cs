using System.Globalization;
using TasksConsole.Web.Components.Shared;

namespace TasksConsole.Tests.Components.Shared;

public sealed class TimeTextTests
{
    private static readonly DateTime Instant = new(2026, 3, 2, 14, 5, 9, DateTimeKind.Utc);

    [Theory]
    [InlineData("d", "2026-03-02")]
    [InlineData("t", "14:05")]
    [InlineData("T", "14:05:09")]
    [InlineData("g", "2026-03-02 14:05")]
    [InlineData("G", "2026-03-02 14:05:09")]
    [InlineData("D", "2026-03-02")]
    public void TheConsoleCulture_WritesDefaultFormats_InTheOneConvention(string format, string expected)
    {
        Assert.Equal(expected, Instant.ToString(format, TimeText.ConsoleCulture));
    }

    [Fact]
    public void TheConsoleCulture_LeavesNumbersAsTheInvariantCultureWritesThem()
    {
        Assert.Equal(1234567.5.ToString("N1", CultureInfo.InvariantCulture), 1234567.5.ToString("N1", TimeText.ConsoleCulture));
    }

    [Fact]
    public void AbsoluteTimes_FollowTheConvention_WithTheirZone()
    {
        Assert.Equal("2026-03-02 14:05:09 UTC", TimeText.Absolute(Instant));
        var brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
        Assert.Equal("2026-03-02 15:05:09 +01:00", TimeText.Absolute(Instant, brussels));
    }
}
