using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Components.Shared;
using ArbitrageEngine.Web.Live;
using ArbitrageEngine.Web.Localization;
using ArbitrageEngine.Web.Strategies;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ArbitrageEngine.Web.Components.Plaza;

/// <summary>
/// Shared by the plaza and the deprecated list: loads the summaries, keeps them live (position and strategy events
/// trigger a reload, coalesced to at most one per ~2 s, so a burst of closes costs one query) and runs the card
/// actions with their dialogs.
/// </summary>
public abstract class PlazaPageBase : DataPage, IDisposable
{
    private const long ReloadGapMs = 2_000;

    // Evaluation ticks carry no card data, but "error" (no evaluation for 5 min) and running times age: refresh slowly.
    private const long StaleAfterMs = 60_000;

    private readonly CancellationTokenSource _cts = new();
    private IDisposable? _subscription;
    private int _reloadScheduled;
    private long _lastReloadTicks;

    [Inject]
    protected LiveNotifier Notifier { get; set; } = default!;

    [Inject]
    protected IDialogService Dialogs { get; set; } = default!;

    [Inject]
    protected ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    protected TimeProvider Clock { get; set; } = default!;

    protected abstract bool ShowDeprecated { get; }

    protected IReadOnlyList<StrategySummary>? Summaries { get; private set; }

    /// <summary>Why the last load failed; the previous cards (if any) stay visible beneath it.</summary>
    protected string? LoadError { get; private set; }

    protected string? ActionError { get; set; }

    protected DateTimeOffset? LastUpdated { get; private set; }

    protected long? LastTickMs { get; private set; }

    protected bool Busy { get; private set; }

    protected long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Live when an evaluation tick arrived in the last minute.</summary>
    protected bool IsLive => LastTickMs is { } t && NowMs - t < StaleAfterMs;

    protected override async Task OnInitializedAsync()
    {
        _subscription = Notifier.Subscribe(OnLiveEventAsync);
        await LoadAsync();
    }

    protected async Task LoadAsync()
    {
        Interlocked.Exchange(ref _lastReloadTicks, Environment.TickCount64);
        try
        {
            Summaries = await RunAsync<StrategySummaryService, IReadOnlyList<StrategySummary>>(s => s.ListAsync(ShowDeprecated, _cts.Token));
            LoadError = null;
            LastUpdated = Clock.GetUtcNow();
            // Until the next tick arrives, the engine's latest evaluation tells whether it is alive.
            if (Summaries.Select(s => s.LastEvaluationMs).Max() is { } lastEval && lastEval > (LastTickMs ?? 0))
            {
                LastTickMs = lastEval;
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LoadError = UiText.L["Plaza.LoadError", ex.Message];
        }

        OnSummariesChanged();
    }

    /// <summary>Lets the page recompute what it derives from <see cref="Summaries"/> (filtered rows, selection).</summary>
    protected virtual void OnSummariesChanged()
    {
    }

    private Task OnLiveEventAsync(LiveEvent e)
    {
        switch (e)
        {
            case PositionEvent or StrategyChangedEvent:
                ScheduleReload();
                break;
            case EvaluationEvent tick:
                if (Environment.TickCount64 - Interlocked.Read(ref _lastReloadTicks) > StaleAfterMs)
                {
                    _ = InvokeAsync(() => LastTickMs = tick.TickMs);
                    ScheduleReload();
                }
                else
                {
                    _ = InvokeAsync(() =>
                    {
                        LastTickMs = tick.TickMs;
                        StateHasChanged();
                    });
                }

                break;
        }

        // Never wait here: the notifier delivers to every subscriber from one dispatcher.
        return Task.CompletedTask;
    }

    private void ScheduleReload()
    {
        if (Interlocked.Exchange(ref _reloadScheduled, 1) == 0)
        {
            _ = ReloadSoonAsync();
        }
    }

    private async Task ReloadSoonAsync()
    {
        try
        {
            var wait = ReloadGapMs - (Environment.TickCount64 - Interlocked.Read(ref _lastReloadTicks));
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(wait), _cts.Token);
            }

            // Events arriving while this load runs schedule the next one.
            Volatile.Write(ref _reloadScheduled, 0);
            await InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            });
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    protected Task PauseAsync(StrategySummary s) =>
        ActAsync(s, (svc, actor) => svc.PauseAsync(s.Id, actor), UiText.L["Plaza.Paused", s.Strategy.DisplayName]);

    protected Task ResumeAsync(StrategySummary s) =>
        ActAsync(s, (svc, actor) => svc.ResumeAsync(s.Id, actor), UiText.L["Plaza.Resumed", s.Strategy.DisplayName]);

    protected async Task DeprecateAsync(StrategySummary s)
    {
        if (await ConfirmAsync(UiText.L["Plaza.DeprecateQuestion", s.Strategy.DisplayName], UiText.L["Plaza.DeprecateMessage"], UiText.L["Action.Deprecate"], Color.Error))
        {
            await ActAsync(s, (svc, actor) => svc.DeprecateAsync(s.Id, true, actor), UiText.L["Plaza.DeprecatedDone", s.Strategy.DisplayName]);
        }
    }

    protected async Task RestoreAsync(StrategySummary s)
    {
        if (await ConfirmAsync(UiText.L["Plaza.RestoreQuestion", s.Strategy.DisplayName], UiText.L["Plaza.RestoreMessage"], UiText.L["Action.Restore"], Color.Primary))
        {
            await ActAsync(s, (svc, actor) => svc.RestoreAsync(s.Id, actor), UiText.L["Plaza.Restored", s.Strategy.DisplayName]);
        }
    }

    protected async Task AddBalanceAsync(StrategySummary s)
    {
        ActionError = null;
        var parameters = new DialogParameters<AddBalanceDialog>
        {
            { d => d.Name, s.Strategy.DisplayName },
            { d => d.InitialBalance, s.Strategy.InitialBalance },
            { d => d.CurrentBalance, s.Strategy.CurrentBalance },
            { d => d.Submit, amount => SubmitTopUpAsync(s.Id, amount) },
        };
        var dialog = await Dialogs.ShowAsync<AddBalanceDialog>(UiText.L["AddBalance.Title", s.Strategy.DisplayName], parameters, DialogOptions);
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: decimal amount })
        {
            Snackbar.Add(UiText.L["AddBalance.Added", amount.ToString("#,##0", AppCultures.NumberCulture), s.Strategy.DisplayName], Severity.Success);
            await LoadAsync();
        }
    }

    private async Task<OperationResult> SubmitTopUpAsync(Guid id, decimal amount)
    {
        var actor = await ActorAsync();
        var result = await RunAsync<StrategyService, OperationResult<StrategyDefinition>>(svc => svc.AddBalanceAsync(id, amount, actor, _cts.Token));
        return result.Status;
    }

    private static DialogOptions DialogOptions => new() { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true, CloseOnEscapeKey = true };

    private async Task<bool> ConfirmAsync(string title, string message, string confirmText, Color color)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, title },
            { d => d.Message, message },
            { d => d.ConfirmText, confirmText },
            { d => d.ConfirmColor, color },
        };
        var dialog = await Dialogs.ShowAsync<ConfirmDialog>(title, parameters, DialogOptions);
        var result = await dialog.Result;
        return result is { Canceled: false };
    }

    private async Task ActAsync(StrategySummary s, Func<StrategyService, AuditActor, Task<OperationResult<StrategyDefinition>>> action, string done)
    {
        Busy = true;
        ActionError = null;
        try
        {
            var actor = await ActorAsync();
            var result = await RunAsync<StrategyService, OperationResult<StrategyDefinition>>(svc => action(svc, actor));
            if (result.Succeeded)
            {
                Snackbar.Add(done, Severity.Success);
            }
            else
            {
                ActionError = $"{s.Strategy.DisplayName}: {string.Join(" ", result.Status.Errors.Values)}";
            }
        }
        catch (Exception ex)
        {
            ActionError = $"{s.Strategy.DisplayName}: {ex.Message}";
        }
        finally
        {
            Busy = false;
        }

        await LoadAsync();
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _subscription?.Dispose();
            _cts.Cancel();
            _cts.Dispose();
        }
    }
}
