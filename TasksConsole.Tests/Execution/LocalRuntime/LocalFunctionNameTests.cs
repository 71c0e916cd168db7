using TasksConsole.Core.Execution.LocalRuntime;

namespace TasksConsole.Tests.Execution.LocalRuntime;

public sealed class LocalFunctionNameTests
{
    [Theory]
    [InlineData("echo", "echo", null, null, null)]
    [InlineData("echo:prod", "echo", "prod", null, null)]
    [InlineData("echo:$LATEST", "echo", "$LATEST", null, null)]
    [InlineData("123456789012:function:echo", "echo", null, null, "123456789012")]
    [InlineData("123456789012:function:echo:7", "echo", "7", null, "123456789012")]
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:function:echo", "echo", null, "eu-west-1", "123456789012")]
    [InlineData("arn:aws-cn:lambda:cn-north-1:123456789012:function:echo:$LATEST", "echo", "$LATEST", "cn-north-1", "123456789012")]
    public void TryParse_ReadsEveryFormInvokeAccepts(string input, string name, string? qualifier, string? region, string? account)
    {
        Assert.True(LocalFunctionName.TryParse(input, out var parsed));
        Assert.Equal(new LocalFunctionName(name, qualifier, region, account), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("echo:")]
    [InlineData("a:b:c")]
    [InlineData("arn:aws:s3:::bucket")]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:layer:x")]
    public void TryParse_RejectsOtherShapes(string input)
    {
        Assert.False(LocalFunctionName.TryParse(input, out _));
    }

    [Fact]
    public void Arn_FillsInTheLocalAccountAndRegion()
    {
        Assert.True(LocalFunctionName.TryParse("nope", out var parsed));

        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:nope", parsed.Arn("us-east-1"));
    }
}
