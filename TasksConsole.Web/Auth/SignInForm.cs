using Microsoft.AspNetCore.Http.Features;

namespace TasksConsole.Web.Auth;

/// <summary>
/// Reads the small forms of the sign-in endpoints (token grant, console login, password change) under tight limits,
/// so a body of megabytes is refused before it is buffered, parsed or hashed.
/// </summary>
internal static class SignInForm
{
    /// <summary>Far above an email, a password, an antiforgery token and a return URL together.</summary>
    public const int MaxBytes = 16 * 1024;

    private static readonly FormOptions Limits = new()
    {
        ValueLengthLimit = MaxBytes,
        MultipartBodyLengthLimit = MaxBytes,
        KeyLengthLimit = 64,
        ValueCountLimit = 16,
    };

    /// <summary>The form, or null when it is larger than <see cref="MaxBytes"/> or malformed.</summary>
    public static async Task<IFormCollection?> TryReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes) return null;
        // A chunked body has no length up front: the server stops reading it past the limit.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = MaxBytes;
        }
        try
        {
            return await request.ReadFormAsync(Limits, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return null;
        }
        catch (BadHttpRequestException)
        {
            return null;
        }
    }
}
