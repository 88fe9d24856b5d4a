using System.Runtime.CompilerServices;
using Bunit;

namespace ArbitrageEngine.Tests.Infrastructure;

internal static class TestDefaults
{
#pragma warning disable CA2255 // A test assembly, not a library: set process-wide test defaults once.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() =>
        // bUnit's WaitFor* default (1 s) is too tight on a loaded 2-core CI machine; waits end as soon as they pass.
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
}
