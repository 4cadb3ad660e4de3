using System.Globalization;

namespace Apiary.Analysis;

/// <summary>Converts the store's CLR values (which differ a little between adapters) to what analyses use.</summary>
public static class Values
{
    public static long Long(object? v) => v switch
    {
        null => 0,
        long l => l,
        int i => i,
        short s => s,
        byte b => b,
        ulong u => checked((long)u),
        uint u => u,
        ushort u => u,
        sbyte s => s,
        decimal d => (long)d,
        double d => (long)d,
        System.Numerics.BigInteger bi => (long)bi,
        _ => Convert.ToInt64(v, CultureInfo.InvariantCulture),
    };

    public static long? NullableLong(object? v) => v is null ? null : Long(v);

    public static double Double(object? v) => v switch
    {
        null => double.NaN,
        double d => d,
        float f => f,
        decimal m => (double)m,
        System.Numerics.BigInteger bi => (double)bi,
        _ => Convert.ToDouble(v, CultureInfo.InvariantCulture),
    };

    public static DateTime Time(object? v) => v switch
    {
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
        DateOnly d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        DateTimeOffset o => o.UtcDateTime,
        _ => throw new InvalidCastException($"not a timestamp: {v} ({v?.GetType().Name})"),
    };

    public static string Text(object? v) => v switch
    {
        null => "",
        string s => s,
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>"2003-03" from a month key 200303 (see SqlDialect.MonthKey); text passes through.</summary>
    public static string Month(object? v) => v is string s ? s : (Long(v) / 100).ToString("0000", CultureInfo.InvariantCulture) + "-" + (Long(v) % 100).ToString("00", CultureInfo.InvariantCulture);

    /// <summary>Share in percent, 0 when the whole is 0.</summary>
    public static double Percent(double part, double whole) => whole == 0 ? 0 : 100.0 * part / whole;

    /// <summary>The q-quantile (0..1) of sorted values by linear interpolation (type 7); NaN when empty.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return double.NaN;
        var h = (sorted.Count - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
