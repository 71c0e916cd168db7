using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Data;

namespace TasksConsole.Web.Auth;

/// <summary>
/// The data-protection key ring (it encrypts sign-in cookies and antiforgery tokens) lives in the store, so every
/// node that shares the store reads every other node's cookies. An installation that kept its keys in the data
/// directory's <c>keys</c> folder brings them along on the first start with an empty key table, so its signed-in
/// users stay signed in.
/// </summary>
public static class StoreKeyRing
{
    public const string LegacyFolderName = "keys";

    public static void AddKeyRingInStore(this IHostApplicationBuilder builder)
    {
        var legacyFolder = new DirectoryInfo(Path.Combine(builder.GetDataDirectory().Path, LegacyFolderName));
        var services = builder.Services;
        services.AddDataProtection().SetApplicationName("TasksConsole");
        // The EF repository takes its context from a scope; one context per scope, from the same pooled factory.
        services.TryAddScoped(provider => provider.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContext());
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new LegacyImportingRepository(
                new EntityFrameworkCoreXmlRepository<TasksDbContext>(provider, provider.GetRequiredService<ILoggerFactory>()),
                legacyFolder,
                provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StoreKeyRing)))));
    }

    /// <summary>The store's repository, filled from the old key folder the first time it is found empty.</summary>
    private sealed class LegacyImportingRepository(IXmlRepository store, DirectoryInfo legacyFolder, ILogger logger) : IXmlRepository
    {
        private readonly Lock _import = new();

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            var elements = store.GetAllElements();
            if (elements.Count > 0 || !legacyFolder.Exists) return elements;
            lock (_import)
            {
                elements = store.GetAllElements();
                if (elements.Count > 0) return elements;
                var files = legacyFolder.GetFiles("*.xml");
                foreach (var file in files)
                {
                    store.StoreElement(XElement.Load(file.FullName), Path.GetFileNameWithoutExtension(file.Name));
                }
                if (files.Length > 0)
                {
                    logger.LogInformation("Imported {Count} data-protection keys from {Folder} into the store; the folder is no longer used",
                        files.Length, legacyFolder.FullName);
                }
                return store.GetAllElements();
            }
        }

        public void StoreElement(XElement element, string friendlyName) => store.StoreElement(element, friendlyName);
    }
}
