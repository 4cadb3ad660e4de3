namespace Apiary.Ingest;

/// <summary>A file to ingest, and whether the user named it (file or glob) or it was found inside a folder.</summary>
public sealed record IngestInput(string Path, bool Explicit);

/// <summary>Turns the command line's files, folders and globs into the list of files to ingest.</summary>
public static class IngestInputs
{
    /// <summary>
    /// Expands <paramref name="arguments"/>: a file is taken as is; a folder contributes every file below it
    /// (recursively, sorted by path); an argument with <c>*</c> or <c>?</c> in its last segment is a glob over that
    /// folder (<c>**</c> is not supported). Duplicates are dropped. Arguments that match nothing are returned
    /// in <paramref name="missing"/>.
    /// </summary>
    public static List<IngestInput> Expand(IEnumerable<string> arguments, out List<string> missing)
    {
        missing = [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<IngestInput>();
        void Add(string path, bool isExplicit)
        {
            var full = System.IO.Path.GetFullPath(path);
            if (seen.Add(full)) result.Add(new IngestInput(full, isExplicit));
        }

        foreach (var arg in arguments)
        {
            if (File.Exists(arg))
            {
                Add(arg, true);
            }
            else if (Directory.Exists(arg))
            {
                foreach (var f in Directory.EnumerateFiles(arg, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    Add(f, false);
            }
            else if (arg.AsSpan(System.IO.Path.GetFileName(arg.AsSpan()).IsEmpty ? arg.Length : arg.LastIndexOf('/') + 1).IndexOfAny('*', '?') >= 0)
            {
                var dir = System.IO.Path.GetDirectoryName(arg);
                if (string.IsNullOrEmpty(dir)) dir = ".";
                var pattern = System.IO.Path.GetFileName(arg);
                var matches = Directory.Exists(dir)
                    ? Directory.EnumerateFiles(dir, pattern, SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList()
                    : [];
                if (matches.Count == 0) missing.Add(arg);
                foreach (var f in matches) Add(f, true);
            }
            else
            {
                missing.Add(arg);
            }
        }
        return result;
    }
}
