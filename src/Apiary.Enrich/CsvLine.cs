using System.Text;

namespace Apiary.Enrich;

/// <summary>
/// Splits one CSV line (RFC 4180 quoting: fields in double quotes, "" for a quote inside). Records never span
/// lines in the ASN files; an unterminated quote is an error for the caller to report with file:line.
/// </summary>
internal static class CsvLine
{
    /// <summary>Fills <paramref name="fields"/> with the line's fields; returns an error text or null.</summary>
    public static string? Split(string line, List<string> fields)
    {
        fields.Clear();
        var i = 0;
        var sb = new StringBuilder();
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                sb.Clear();
                i++;
                while (true)
                {
                    if (i >= line.Length) return $"unterminated quoted field starting at column {fields.Count + 1}";
                    var c = line[i++];
                    if (c != '"') { sb.Append(c); continue; }
                    if (i < line.Length && line[i] == '"') { sb.Append('"'); i++; continue; }
                    break;
                }
                fields.Add(sb.ToString());
                if (i == line.Length) return null;
                if (line[i] != ',') return $"unexpected character '{line[i]}' after quoted field {fields.Count}";
                i++;
            }
            else
            {
                var comma = line.IndexOf(',', i);
                if (comma < 0) { fields.Add(line[i..]); return null; }
                fields.Add(line[i..comma]);
                i = comma + 1;
            }
        }
    }
}
