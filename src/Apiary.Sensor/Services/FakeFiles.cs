namespace Apiary.Sensor.Services;

/// <summary>
/// A read-only fake file tree loaded once at start-up from a folder (FTP tree, web site). Only small files are
/// loaded (bound below); nothing is ever written back: uploads are discarded.
/// </summary>
public sealed class FakeFiles
{
    /// <summary>Largest file served: keeps the sensor's memory and each transfer small.</summary>
    public const int MaxFileBytes = 1 << 20;
    /// <summary>Most files loaded from one tree.</summary>
    public const int MaxFiles = 1000;

    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirs = new(StringComparer.Ordinal) { "/" };

    public static FakeFiles Load(string root)
    {
        var t = new FakeFiles();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = "/" + Path.GetRelativePath(root, path).Replace('\\', '/');
            if (Directory.Exists(path)) { t._dirs.Add(rel); continue; }
            if (t._files.Count >= MaxFiles) break;
            var info = new FileInfo(path);
            if (info.Length > MaxFileBytes) continue;
            t._files[rel] = System.IO.File.ReadAllBytes(path);
        }
        return t;
    }

    public bool IsDirectory(string path) => _dirs.Contains(path);

    public byte[]? File(string path) => _files.GetValueOrDefault(path);

    /// <summary>Entries directly inside a directory: (name, isDirectory, size).</summary>
    public IEnumerable<(string Name, bool IsDir, long Size)> List(string dir)
    {
        var prefix = dir == "/" ? "/" : dir + "/";
        foreach (var d in _dirs)
            if (d != dir && d.StartsWith(prefix, StringComparison.Ordinal) && !d[prefix.Length..].Contains('/'))
                yield return (d[prefix.Length..], true, 4096);
        foreach (var (f, data) in _files)
            if (f.StartsWith(prefix, StringComparison.Ordinal) && !f[prefix.Length..].Contains('/'))
                yield return (f[prefix.Length..], false, data.Length);
    }

    /// <summary>Resolves a client path against a current directory; never leaves the tree.</summary>
    public static string Resolve(string cwd, string arg)
    {
        var parts = new List<string>();
        var full = arg.StartsWith('/') ? arg : cwd.TrimEnd('/') + "/" + arg;
        foreach (var p in full.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return "/" + string.Join('/', parts);
    }
}
