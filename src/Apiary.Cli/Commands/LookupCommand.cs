using System.CommandLine;
using Apiary.Core;
using Apiary.Enrich;

namespace Apiary.Cli.Commands;

/// <summary><c>apiary lookup IP</c>: country (both databases), AS number and organisation, with each database and its build date.</summary>
public static class LookupCommand
{
    public static Command Create()
    {
        var ip = new Argument<string>("ip") { Description = "IPv4 or IPv6 address" };
        var options = new EnrichmentOptionSet();
        var command = new Command("lookup", "Country (two databases) and AS of one address, with the databases' names and build dates.") { ip };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var text = result.GetValue(ip)!;
            if (!IpAddress128.TryParse(text, out var address))
            {
                Console.Error.WriteLine($"apiary lookup: '{text}' is not an IPv4 or IPv6 address");
                return 2;
            }
            try
            {
                using var dbs = EnrichmentDatabases.Open(options.Read(result));
                var answer = new SourceEnricher(dbs).Enrich(address);
                Console.WriteLine($"address   {address}");
                Console.WriteLine(Line("country", answer.Country, dbs.Country?.Provenance));
                Console.WriteLine(Line("country2", answer.Country2, dbs.Country2?.Provenance));
                Console.WriteLine(Line("asn", answer.Asn is { } n ? $"AS{n} {answer.AsOrg}" : null, dbs.Asn?.Provenance));
                if (!dbs.Any) Console.Error.WriteLine("apiary lookup: no database available (run scripts/setup.sh, or pass --geo-db/--asn-db)");
                return dbs.Any ? 0 : 1;
            }
            catch (Exception ex) when (ex is EnrichmentDatabaseException or ArgumentException)
            {
                Console.Error.WriteLine($"apiary lookup: {ex.Message}");
                return 2;
            }
        });
        return command;
    }

    private static string Line(string what, string? value, DatabaseProvenance? db) =>
        db is null ? $"{what,-9} -   (no database)" : $"{what,-9} {value ?? "-"}   [{db}]";
}
