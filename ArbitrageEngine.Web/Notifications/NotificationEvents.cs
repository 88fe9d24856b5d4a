using ArbitrageEngine.Web.Live;

namespace ArbitrageEngine.Web.Notifications;

/// <summary>A collector stream stopped delivering (or recovered), published by <see cref="CollectorFaultMonitor"/>.</summary>
public sealed record CollectorFaultEvent(string Stream, string State, string Detail, bool Recovered, long TimeMs) : LiveEvent;

/// <summary>The result of an auto-evolve run (evolve.md). No producer yet: the auto-evolve job publishes it when it exists.</summary>
public sealed record EvolveResultEvent(string Summary, string Details, long TimeMs) : LiveEvent;
