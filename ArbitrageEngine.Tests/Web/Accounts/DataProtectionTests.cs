using System.Net;
using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Tests.Web.Accounts;

/// <summary>Issue 14 finding 9: sign-in cookies survive a restart and do not depend on the folder the app runs from.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DataProtectionTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Cookie_AppRestartedWithSameDataFolder_StillSignedIn()
    {
        var keys = Path.Combine(Path.GetTempPath(), $"ae-keys-{Guid.NewGuid():N}");
        var cs = await postgres.CreateDatabaseAsync("dataprotection");
        var settings = new Dictionary<string, string> { ["DataProtection:KeysDirectory"] = keys };
        try
        {
            string cookie;
            await using (var first = new TestApp(cs, settings: settings))
            {
                using var session = new HttpSession(first);
                using var login = await session.LoginAsync(TestApp.AdminUserName, TestApp.AdminPassword);
                cookie = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("ae.auth=", StringComparison.Ordinal));
                // The discriminator is the fixed application name, not the content root: moving the app keeps cookies valid.
                Assert.Equal("ArbitrageEngine", first.Services.GetRequiredService<IOptions<DataProtectionOptions>>().Value.ApplicationDiscriminator);
            }

            Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
            await using var second = new TestApp(cs, settings: settings);
            using var client = second.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            client.DefaultRequestHeaders.Add("Cookie", cookie);

            using var page = await client.GetAsync("/plaza");

            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }
}
