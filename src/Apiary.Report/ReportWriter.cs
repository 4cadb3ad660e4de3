using System.Text;
using System.Text.Json;
using Apiary.Analysis;

namespace Apiary.Report;

/// <summary>Output formats of `apiary report`.</summary>
public enum ReportFormat { Html, Md, Json }

/// <summary>Runs every analysis and writes the report in the chosen format.</summary>
public static class ReportWriter
{
    public static ReportData Build(AnalysisContext context, string database)
    {
        var results = AnalysisCatalog.Run(context, AnalysisCatalog.All);
        return new ReportData(results, Provenance.Collect(context), context.Options, database, DateTime.UtcNow);
    }

    public static void Write(ReportData data, ReportFormat format, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        switch (format)
        {
            case ReportFormat.Html: File.WriteAllText(path, HtmlReport.Render(data), new UTF8Encoding(false)); break;
            case ReportFormat.Md: File.WriteAllText(path, MarkdownReport.Render(data), new UTF8Encoding(false)); break;
            case ReportFormat.Json:
                using (var stream = File.Create(path))
                    TextOutput.WriteJson(data.Results, stream, j =>
                    {
                        j.WriteString("generated_at", data.GeneratedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                        j.WriteString("database", data.Database);
                        if (data.Provenance.TestbedFile is null) j.WriteNull("testbed"); else j.WriteString("testbed", data.Provenance.TestbedFile);
                        j.WriteStartArray("capture_files");
                        foreach (var f in data.Provenance.Files)
                        {
                            j.WriteStartObject();
                            j.WriteString("path", f.Path); j.WriteString("sensor", f.Sensor); j.WriteNumber("packets", f.Packets); j.WriteString("sha256", f.Sha256);
                            j.WriteEndObject();
                        }
                        j.WriteEndArray();
                        j.WriteStartArray("attributions");
                        foreach (var a in data.Provenance.Attributions) j.WriteStringValue(a);
                        j.WriteEndArray();
                    });
                break;
        }
    }
}
