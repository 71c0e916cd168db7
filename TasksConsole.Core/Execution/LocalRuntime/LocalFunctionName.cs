namespace TasksConsole.Core.Execution.LocalRuntime;

/// <summary>
/// The FunctionName forms Invoke accepts: <c>name</c>, <c>name:qualifier</c>, a partial ARN
/// <c>account:function:name[:qualifier]</c> and a full ARN <c>arn:aws:lambda:region:account:function:name[:qualifier]</c>.
/// </summary>
public sealed record LocalFunctionName(string Name, string? Qualifier, string? Region, string? Account)
{
    public const string DefaultAccount = "000000000000";

    public static bool TryParse(string? functionName, out LocalFunctionName parsed)
    {
        parsed = new LocalFunctionName("", null, null, null);
        if (string.IsNullOrWhiteSpace(functionName)) return false;

        var parts = functionName.Split(':');
        LocalFunctionName? result = parts switch
        {
            [var name] => new(name, null, null, null),
            [var name, var qualifier] => new(name, qualifier, null, null),
            [var account, "function", var name] => new(name, null, null, account),
            [var account, "function", var name, var qualifier] => new(name, qualifier, null, account),
            ["arn", var partition, "lambda", var region, var account, "function", var name] when partition.StartsWith("aws", StringComparison.Ordinal)
                => new(name, null, region, account),
            ["arn", var partition, "lambda", var region, var account, "function", var name, var qualifier] when partition.StartsWith("aws", StringComparison.Ordinal)
                => new(name, qualifier, region, account),
            _ => null,
        };
        if (result is null || result.Name.Length == 0 || result.Qualifier is "") return false;
        parsed = result;
        return true;
    }

    /// <summary>The ARN AWS quotes in errors such as "Function not found: arn:...".</summary>
    public string Arn(string defaultRegion) =>
        $"arn:aws:lambda:{Region ?? defaultRegion}:{Account ?? DefaultAccount}:function:{Name}{(Qualifier is null ? "" : ":" + Qualifier)}";
}
