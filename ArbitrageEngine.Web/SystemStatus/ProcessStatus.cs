using System.Diagnostics;
using System.Runtime;

namespace ArbitrageEngine.Web.SystemStatus;

/// <summary>The process as /system shows it: uptime, CPU, memory, GC and the thread pool.</summary>
public sealed record ProcessStatus(
    DateTimeOffset StartedAt,
    TimeSpan Uptime,
    double CpuPercentOfOneCore,
    int Cores,
    double WorkingSetMb,
    double GcHeapMb,
    double TotalAllocatedMb,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    TimeSpan GcPauseTotal,
    double GcPauseTimePercent,
    string GcMode,
    int ThreadPoolThreads,
    long ThreadPoolPendingItems,
    long ThreadPoolCompletedItems,
    int ThreadPoolMinWorkers,
    int ThreadPoolAvailableWorkers)
{
    public static ProcessStatus Capture(double cpuPercent, DateTimeOffset now)
    {
        using var process = Process.GetCurrentProcess();
        var started = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        ThreadPool.GetAvailableThreads(out var availableWorkers, out _);
        var info = GC.GetGCMemoryInfo();
        return new ProcessStatus(
            started,
            now - started,
            cpuPercent,
            Environment.ProcessorCount,
            process.WorkingSet64 / 1048576.0,
            GC.GetTotalMemory(false) / 1048576.0,
            GC.GetTotalAllocatedBytes() / 1048576.0,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration(),
            info.PauseTimePercentage,
            GCSettings.IsServerGC ? "server" : "workstation",
            ThreadPool.ThreadCount,
            ThreadPool.PendingWorkItemCount,
            ThreadPool.CompletedWorkItemCount,
            minWorkers,
            availableWorkers);
    }
}
