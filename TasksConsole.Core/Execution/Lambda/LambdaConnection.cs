using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.CredentialManagement;
using Microsoft.Extensions.Options;

namespace TasksConsole.Core.Execution.Lambda;

/// <summary>Where to send Invoke calls and how to sign them.</summary>
public sealed record LambdaConnection(Uri Endpoint, RegionEndpoint Region, AWSCredentials Credentials);

/// <summary>Supplies the connection lazily: credentials may come from a slow chain, the local runtime's port from its start-up.</summary>
public interface ILambdaConnectionSource
{
    ValueTask<LambdaConnection> GetAsync(CancellationToken cancellationToken);
}

/// <summary>AWS (or an emulator given by <see cref="LambdaOptions.ServiceUrl"/>) with the standard credential and region chains.</summary>
public sealed class AwsLambdaConnectionSource(IOptions<LambdaOptions> options) : ILambdaConnectionSource
{
    // PublicationOnly: a failed resolution (say, instance metadata briefly unreachable) must not be cached for the
    // life of the process the way the default Lazy mode caches exceptions.
    private readonly Lazy<LambdaConnection> _connection = new(() => Resolve(options.Value), LazyThreadSafetyMode.PublicationOnly);

    public ValueTask<LambdaConnection> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_connection.Value);

    /// <summary>The endpoint and signing region, without touching credentials (cheap enough to log at start-up).</summary>
    public static (Uri Endpoint, RegionEndpoint Region) ResolveEndpoint(LambdaOptions options)
    {
        var region = !string.IsNullOrWhiteSpace(options.Region)
            ? RegionEndpoint.GetBySystemName(options.Region)
            : FallbackRegionFactory.GetRegionEndpoint(includeInstanceMetadata: false) ?? RegionEndpoint.USEast1;
        var endpoint = !string.IsNullOrWhiteSpace(options.ServiceUrl)
            ? new Uri(options.ServiceUrl.TrimEnd('/') + "/")
            : new Uri($"https://lambda.{region.SystemName}.{region.PartitionDnsSuffix}/");
        return (endpoint, region);
    }

    private static LambdaConnection Resolve(LambdaOptions options)
    {
        var (endpoint, region) = ResolveEndpoint(options);
        return new LambdaConnection(endpoint, region, ResolveCredentials(options));
    }

    private static AWSCredentials ResolveCredentials(LambdaOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.AccessKeyId) && !string.IsNullOrWhiteSpace(options.SecretAccessKey))
        {
            return string.IsNullOrWhiteSpace(options.SessionToken)
                ? new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey)
                : new SessionAWSCredentials(options.AccessKeyId, options.SecretAccessKey, options.SessionToken);
        }
        if (!string.IsNullOrWhiteSpace(options.Profile))
        {
            return new CredentialProfileStoreChain().TryGetAWSCredentials(options.Profile, out var profileCredentials)
                ? profileCredentials
                : throw new InvalidOperationException($"The AWS profile '{options.Profile}' was not found in the shared credentials files.");
        }
        return DefaultAWSCredentialsIdentityResolver.GetCredentials();
    }
}
