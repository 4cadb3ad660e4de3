namespace Apiary.Simulator;

/// <summary>
/// Source country shares (§5.2.1): AU 33 %, NL 21 %, US 17 %, and 85 other countries sharing the remaining
/// 29 % with Zipf weights. The other countries are those with the most IPv4 space in the database (ties by
/// code), so the list is deterministic for a given database.
/// </summary>
public sealed class CountryMix
{
    private readonly double[] _cumulative;

    public CountryMix(SimulationModel model, CountryPrefixTable table)
    {
        var countries = new List<(string Code, double Share)>();
        foreach (var (code, share) in model.TopCountries)
        {
            if (table.AddressCount(code) == 0)
                throw new InvalidDataException($"{table.File}: the geolocation database maps no IPv4 block to {code}, which the model needs");
            countries.Add((code, share));
        }
        var rest = 1.0 - model.TopCountries.Sum(c => c.Share);
        var others = table.Countries
            .Where(c => model.TopCountries.All(t => t.Country != c))
            .OrderByDescending(table.AddressCount).ThenBy(c => c, StringComparer.Ordinal)
            .Take(model.OtherCountries)
            .ToList();
        var zipf = others.Select((_, rank) => 1.0 / Math.Pow(rank + 1, model.OtherCountriesZipf)).ToList();
        var zipfSum = zipf.Sum();
        for (var i = 0; i < others.Count; i++) countries.Add((others[i], rest * zipf[i] / zipfSum));
        Countries = countries;
        _cumulative = new double[countries.Count];
        var sum = 0.0;
        for (var i = 0; i < countries.Count; i++) { sum += countries[i].Share; _cumulative[i] = sum; }
    }

    /// <summary>Every country with its share of sources (shares sum to 1).</summary>
    public IReadOnlyList<(string Code, double Share)> Countries { get; }

    public string Pick(SimRandom rng) => Countries[rng.PickCumulative(_cumulative)].Code;
}
