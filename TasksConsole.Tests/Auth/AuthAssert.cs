using System.Net;
using System.Text.Json;

namespace TasksConsole.Tests.Auth;

/// <summary>Assertions on the two error shapes the SDK reads.</summary>
internal static class AuthAssert
{
    /// <summary>The plain EXH error: <c>{code, name, message}</c>.</summary>
    public static async Task ExhErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {status}, got {response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetInt32());
        Assert.EndsWith("_EXCEPTION", json.RootElement.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("message").GetString()));
    }

    /// <summary>The OAuth2 error: <c>{error, description, exh_error: {name, description, code}}</c> with HTTP 400.</summary>
    public static async Task OAuthErrorAsync(HttpResponseMessage response, string error, int exhCode, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {status}, got {response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(error, root.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("description").GetString()));
        var exh = root.GetProperty("exh_error");
        Assert.Equal(exhCode, exh.GetProperty("code").GetInt32());
        Assert.EndsWith("_EXCEPTION", exh.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(exh.GetProperty("description").GetString()));
    }
}
