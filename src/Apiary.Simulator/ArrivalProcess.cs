using Apiary.Testbed;

namespace Apiary.Simulator;

/// <summary>
/// When new sources appear: a Poisson process whose rate is higher in the evening (platform local time) and at
/// weekends (§5.2.3), sampled by thinning, and only while the platform was capturing (the inventory's capture
/// periods). The mean rate is <see cref="SimulationModel.SourcesPerMonth"/> x scale, whatever the profile.
/// </summary>
public sealed class ArrivalProcess
{
    /// <summary>Days in the average month of the model (March-June 2003 = 122 days / 4).</summary>
    public const double DaysPerMonth = 30.5;

    private readonly SimulationModel _model;
    private readonly TimeZoneInfo _zone;
    private readonly IReadOnlyList<(DateTime From, DateTime To)> _windows;
    private readonly double _maxRatePerSecond;
    private readonly SimRandom _rng;
    private int _window;
    private DateTime _clock;

    /// <param name="windows">Disjoint, ascending UTC intervals in which sources may arrive.</param>
    public ArrivalProcess(SimulationModel model, TimeZoneInfo zone, IReadOnlyList<(DateTime From, DateTime To)> windows, double scale, SimRandom rng)
    {
        _model = model;
        _zone = zone;
        _windows = windows;
        _rng = rng;
        var meanHourFactor = ((24 - (model.EveningToHour - model.EveningFromHour)) + (model.EveningToHour - model.EveningFromHour) * model.EveningFactor) / 24.0;
        var meanDayFactor = (5 + 2 * model.WeekendFactor) / 7.0;
        var meanRatePerSecond = model.SourcesPerMonth * scale / (DaysPerMonth * 86400.0);
        var baseRate = meanRatePerSecond / (meanHourFactor * meanDayFactor);
        _maxRatePerSecond = baseRate * Math.Max(1, model.EveningFactor) * Math.Max(1, model.WeekendFactor);
        BaseRatePerSecond = baseRate;
        _clock = windows.Count > 0 ? windows[0].From : DateTime.MaxValue;
    }

    public double BaseRatePerSecond { get; }

    /// <summary>The capture windows of a platform within [start, end).</summary>
    public static List<(DateTime From, DateTime To)> Windows(Platform platform, DateTime start, DateTime end)
    {
        var result = new List<(DateTime, DateTime)>();
        if (platform.CapturePeriods.Count == 0) { result.Add((start, end)); return result; }
        foreach (var p in platform.CapturePeriods.OrderBy(p => p.From ?? DateTime.MinValue))
        {
            var from = p.From is { } f && f > start ? f : start;
            var to = p.To is { } t && t < end ? t : end;
            if (to > from) result.Add((from, to));
        }
        return result;
    }

    /// <summary>Rate multiplier at a UTC instant: evening and weekend factors in platform local time.</summary>
    public double Factor(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, _zone);
        var f = 1.0;
        if (local.Hour >= _model.EveningFromHour && local.Hour < _model.EveningToHour) f *= _model.EveningFactor;
        if (local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) f *= _model.WeekendFactor;
        return f;
    }

    /// <summary>The next arrival (UTC, whole microseconds), or null when the windows are exhausted.</summary>
    public DateTime? Next()
    {
        while (_window < _windows.Count)
        {
            var (from, to) = _windows[_window];
            if (_clock < from) _clock = from;
            var gap = _rng.Exponential(1.0 / _maxRatePerSecond);
            var candidate = _clock.AddTicks((long)(gap * TimeSpan.TicksPerSecond) / 10 * 10);
            if (candidate >= to)
            {
                _window++;
                continue;
            }
            _clock = candidate;
            if (_rng.NextDouble() * _maxRatePerSecond * 1.0 < BaseRatePerSecond * Factor(candidate)) return candidate;
        }
        return null;
    }
}
