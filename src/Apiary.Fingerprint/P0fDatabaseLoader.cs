using System.Globalization;

namespace Apiary.Fingerprint;

/// <summary>
/// Reads a p0f v3 fingerprint database (<c>p0f.fp</c>). The grammar and its checks follow p0f 3.09b's
/// readfp.c and fp_tcp.c (README section 5); every error is a <see cref="FingerprintDatabaseException"/>
/// naming file, line and token, and the first error stops the load (the file is trusted input).
/// As in p0f, a TCP signature that an earlier specific signature already matches exactly is an error
/// ("already covered by line N"): such a line could never be reported.
/// </summary>
public static class P0fDatabaseLoader
{
    /// <summary>Debian's p0f package installs its database here.</summary>
    public const string DefaultPath = "/etc/p0f/p0f.fp";

    /// <summary>Characters p0f allows in names besides letters and digits (p0f config.h NAME_CHARS).</summary>
    private const string NameChars = " ./-_!?()";

    public static P0fDatabase Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FingerprintDatabaseException(path, 0, "cannot read the fingerprint database: " + e.Message);
        }
        var db = Parse(text, path);
        db.Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        return db;
    }

    /// <summary>Parses database text; <paramref name="fileName"/> is only used in error messages.</summary>
    public static P0fDatabase Parse(string text, string fileName)
    {
        var parser = new Parser(fileName);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart(' ', '\t').TrimEnd('\r', ' ', '\t');
            if (line.Length == 0 || line[0] == ';') continue;
            parser.ParseLine(line, i + 1);
        }
        return parser.Finish();
    }

    private enum State { NeedSection, NeedLabel, NeedSys, NeedSig }

    private enum Module { None, Tcp, Mtu, Http }

    private sealed class Parser(string file)
    {
        private readonly List<string> _classes = [];
        // Names are matched without regard to case and keep their first spelling, as p0f does.
        private readonly Dictionary<string, string> _names = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<TcpReferenceSignature> _tcp = [];
        private readonly List<MtuSignature> _mtu = [];
        private readonly List<HttpSignature> _http = [];
        private readonly List<string> _uaOs = [];
        private State _state = State.NeedSection;
        private Module _module;
        private bool _toServer;
        private FingerprintLabel? _label;
        private string? _mtuLabel;
        private int _line;

        public P0fDatabase Finish() => new(_classes, _tcp, _mtu, _http, _uaOs);

        private FingerprintDatabaseException Error(string problem, string? token = null) => new(file, _line, problem, token);

        public void ParseLine(string line, int lineNo)
        {
            _line = lineNo;
            if (line[0] == '[')
            {
                ParseSection(line);
                return;
            }

            var n = 0;
            while (n < line.Length && (char.IsAsciiLetter(line[n]) || line[n] == '_')) n++;
            var name = line[..n];
            var eq = n;
            while (eq < line.Length && (line[eq] == ' ' || line[eq] == '\t')) eq++;
            if (n == 0 || eq >= line.Length || line[eq] != '=')
                throw Error("expected 'name = value' or a [section]", line);
            var value = line[(eq + 1)..].TrimStart(' ', '\t');

            switch (name)
            {
                case "classes":
                    if (_state != State.NeedSection) throw Error("'classes' must come before the first section", name);
                    ParseClasses(value);
                    break;
                case "ua_os":
                    if (_state != State.NeedLabel || _module != Module.Http || !_toServer)
                        throw Error("'ua_os' belongs at the start of [http:request]", name);
                    foreach (var os in SplitOutsideBrackets(value, ','))
                        if (os.Trim().Length > 0) _uaOs.Add(os.Trim());
                    break;
                case "label":
                    if (_state != State.NeedLabel && _state != State.NeedSig)
                        throw Error(_state == State.NeedSys ? "application label needs a 'sys' line before this label" : "'label' outside a section", name);
                    ParseLabel(value);
                    break;
                case "sys":
                    if (_state != State.NeedSys) throw Error("'sys' is only allowed right after an application ('!') label", name);
                    _label = _label! with { Systems = ParseSys(value) };
                    _state = State.NeedSig;
                    break;
                case "sig":
                    if (_state != State.NeedSig)
                        throw Error(_state == State.NeedSys ? "application ('!') label needs a 'sys' line before its signatures" : "'sig' without a preceding label", name);
                    switch (_module)
                    {
                        case Module.Tcp: AddTcp(value); break;
                        case Module.Mtu: AddMtu(value); break;
                        case Module.Http: AddHttp(value); break;
                    }
                    break;
                default:
                    throw Error("unknown field", name);
            }
        }

        private void ParseSection(string line)
        {
            switch (line)
            {
                case "[mtu]": _module = Module.Mtu; break;
                case "[tcp:request]": _module = Module.Tcp; _toServer = true; break;
                case "[tcp:response]": _module = Module.Tcp; _toServer = false; break;
                case "[http:request]": _module = Module.Http; _toServer = true; break;
                case "[http:response]": _module = Module.Http; _toServer = false; break;
                default: throw Error("unknown section (expected [mtu], [tcp:request], [tcp:response], [http:request] or [http:response])", line);
            }
            _state = State.NeedLabel;
            _label = null;
            _mtuLabel = null;
        }

        private void ParseClasses(string value)
        {
            foreach (var raw in value.Split(','))
            {
                var c = raw.Trim(' ', '\t');
                if (c.Length == 0 || !c.All(char.IsAsciiLetterOrDigit)) throw Error("malformed class", raw);
                if (_classes.Contains(c, StringComparer.OrdinalIgnoreCase)) throw Error("class declared twice", c);
                _classes.Add(c);
            }
        }

        private string RegisterName(string name) => _names.TryGetValue(name, out var first) ? first : _names[name] = name;

        private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || NameChars.Contains(c, StringComparison.Ordinal);

        private void ParseLabel(string value)
        {
            if (_module == Module.Mtu)
            {
                if (value.Length == 0) throw Error("empty MTU label", "label");
                _mtuLabel = value;
                _state = State.NeedSig;
                return;
            }

            var parts = value.Split(':', 4);
            if (parts.Length < 3) throw Error("label must be type:class:name:flavor", value);
            var generic = parts[0] switch
            {
                "s" => false,
                "g" => true,
                _ => throw Error("label type must be 's' or 'g'", parts[0]),
            };
            string? cls;
            if (parts[1] == "!") cls = null;
            else
            {
                if (parts[1].Length == 0 || !parts[1].All(char.IsAsciiLetterOrDigit)) throw Error("malformed label class", parts[1]);
                cls = _classes.FirstOrDefault(c => string.Equals(c, parts[1], StringComparison.OrdinalIgnoreCase))
                      ?? throw Error("class not declared in 'classes'", parts[1]);
            }
            // The name ends at the next ':'; everything after it is the flavor (which may itself hold ':').
            if (parts[2].Length == 0 || !parts[2].All(IsNameChar)) throw Error("malformed label name", parts[2]);
            if (parts.Length < 4) throw Error("label must be type:class:name:flavor (missing ':' after the name)", value);
            var flavor = parts[3].Length == 0 ? null : parts[3];
            _label = new FingerprintLabel(generic, cls, RegisterName(parts[2]), flavor, _line);
            _state = cls is null ? State.NeedSys : State.NeedSig;
        }

        private List<string> ParseSys(string value)
        {
            var list = new List<string>();
            foreach (var raw in value.Split(','))
            {
                var s = raw.Trim(' ', '\t');
                if (s.Length == 0) continue;
                if (s[0] == '@')
                {
                    var cls = s[1..];
                    if (!_classes.Contains(cls, StringComparer.OrdinalIgnoreCase)) throw Error("sys names an undeclared class", s);
                    list.Add(s);
                }
                else
                {
                    if (!s.All(IsNameChar)) throw Error("malformed sys entry", s);
                    list.Add(RegisterName(s));
                }
            }
            if (list.Count == 0) throw Error("empty 'sys' list", value);
            return list;
        }

        private void AddMtu(string value)
        {
            if (value.Length == 0 || !value.All(char.IsAsciiDigit) || value.Length > 5) throw Error("MTU must be a number 1-65535", value);
            var mtu = int.Parse(value, CultureInfo.InvariantCulture);
            if (mtu is <= 0 or > 65535) throw Error("MTU must be a number 1-65535", value);
            _mtu.Add(new MtuSignature(_mtuLabel!, mtu, _line));
        }

        private void AddHttp(string value)
        {
            var fields = SplitOutsideBrackets(value, ':', 4);
            if (fields.Count < 4) throw Error("HTTP signature must be ver:horder:habsent:expsw", value);
            if (fields[0] is not ("0" or "1" or "*")) throw Error("HTTP version must be 0, 1 or *", fields[0]);
            var order = SplitOutsideBrackets(fields[1], ',').Where(h => h.Length > 0).ToList();
            foreach (var h in order)
            {
                var headerName = h.TrimStart('?');
                var bracket = headerName.IndexOf('=', StringComparison.Ordinal);
                if (bracket >= 0)
                {
                    if (bracket + 1 >= headerName.Length || headerName[bracket + 1] != '[' || headerName[^1] != ']')
                        throw Error("header value must be written name=[value]", h);
                    headerName = headerName[..bracket];
                }
                if (headerName.Length == 0) throw Error("empty header name", h);
            }
            var absent = fields[2].Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
            _http.Add(new HttpSignature(_label!, _toServer, fields[0], order, absent, fields[3], _line));
        }

        private void AddTcp(string value)
        {
            var f = value.Split(':');
            if (f.Length != 8) throw Error($"TCP signature must have 8 ':'-separated fields (ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass), found {f.Length}", value);

            var ver = f[0] switch
            {
                "4" => 4,
                "6" => 6,
                "*" => -1,
                _ => throw Error("IP version must be 4, 6 or *", f[0]),
            };

            // ittl: N, N+D (observed TTL plus distance) or N- (random TTL tools).
            var ttlText = f[1];
            var randomTtl = false;
            int ittl;
            if (ttlText.EndsWith('-'))
            {
                randomTtl = true;
                ittl = Number(ttlText[..^1], 1, 255, "initial TTL", ttlText);
            }
            else if (ttlText.Contains('+', StringComparison.Ordinal))
            {
                var plus = ttlText.Split('+');
                if (plus.Length != 2) throw Error("malformed initial TTL", ttlText);
                ittl = Number(plus[0], 1, 255, "initial TTL", ttlText);
                var add = Number(plus[1], 0, 255, "TTL distance", ttlText);
                if (ittl + add > 255) throw Error("initial TTL plus distance above 255", ttlText);
                ittl += add;
            }
            else ittl = Number(ttlText, 1, 255, "initial TTL", ttlText);

            var olen = Number(f[2], 0, 255, "IP options length", f[2]);
            var mss = f[3] == "*" ? -1 : Number(f[3], 0, 65535, "MSS", f[3]);

            var winScale = f[4].Split(',');
            if (winScale.Length != 2) throw Error("window field must be wsize,scale", f[4]);
            var w = winScale[0];
            WindowKind kind;
            int win;
            if (w == "*") { kind = WindowKind.Any; win = 0; }
            else if (w.StartsWith('%')) { kind = WindowKind.Modulo; win = Number(w[1..], 2, 65535, "window modulo", w); }
            else if (w.StartsWith("mss*", StringComparison.Ordinal)) { kind = WindowKind.MssMultiple; win = Number(w[4..], 1, 1000, "MSS multiplier", w); }
            else if (w.StartsWith("mtu*", StringComparison.Ordinal)) { kind = WindowKind.MtuMultiple; win = Number(w[4..], 1, 1000, "MTU multiplier", w); }
            else { kind = WindowKind.Value; win = Number(w, 0, 65535, "window size", w); }
            var scale = winScale[1] == "*" ? -1 : Number(winScale[1], 0, 255, "window scale", winScale[1]);

            var (layout, eolPad) = ParseLayout(f[5]);
            var quirks = ParseQuirks(f[6], ver);
            var payload = f[7] switch
            {
                "*" => -1,
                "0" => 0,
                "+" => 1,
                _ => throw Error("payload class must be 0, + or *", f[7]),
            };

            var sig = new TcpReferenceSignature
            {
                Label = _label!, Line = _line, Text = value, ToServer = _toServer, IpVersion = ver, InitialTtl = ittl,
                RandomTtl = randomTtl, IpOptionsLength = olen, Mss = mss, WindowKind = kind, Window = win,
                WindowScale = scale, OptionLayout = layout, EolPadding = eolPad, Quirks = quirks, PayloadClass = payload,
            };

            var covering = TcpMatcher.FindCovering(_tcp, sig);
            if (covering is not null)
                throw Error($"signature is already covered by line {covering.Line} ({covering.Text})", value);
            _tcp.Add(sig);
        }

        private (byte[] Layout, int EolPad) ParseLayout(string text)
        {
            if (text.Length == 0) return ([], 0);
            var items = text.Split(',');
            if (items.Length > TcpOptionKind.MaxOptions) throw Error($"more than {TcpOptionKind.MaxOptions} TCP options", text);
            var layout = new byte[items.Length];
            var eolPad = 0;
            for (var i = 0; i < items.Length; i++)
            {
                var o = items[i];
                if (o.StartsWith("eol+", StringComparison.Ordinal))
                {
                    if (i != items.Length - 1) throw Error("eol+n must be the last option", o);
                    eolPad = Number(o[4..], 0, 255, "EOL padding", o);
                    layout[i] = TcpOptionKind.Eol;
                    continue;
                }
                layout[i] = o switch
                {
                    "nop" => TcpOptionKind.Nop,
                    "mss" => TcpOptionKind.Mss,
                    "ws" => TcpOptionKind.WindowScale,
                    "sok" => TcpOptionKind.SackPermitted,
                    "sack" => TcpOptionKind.Sack,
                    "ts" => TcpOptionKind.Timestamp,
                    _ when o.StartsWith('?') => (byte)Number(o[1..], 0, 255, "unknown option number", o),
                    _ => throw Error("unknown TCP option", o),
                };
            }
            return (layout, eolPad);
        }

        private P0fQuirks ParseQuirks(string text, int ver)
        {
            var q = P0fQuirks.None;
            if (text.Length == 0) return q;
            foreach (var token in text.Split(','))
            {
                var bit = P0fQuirkNames.All.FirstOrDefault(x => x.Token == token).Bit;
                if (bit == P0fQuirks.None) throw Error("unknown quirk", token);
                if (ver == 6 && (bit & (P0fQuirkNames.Ipv4Only | P0fQuirks.NonZeroMbz)) != 0) throw Error("quirk is not valid for IPv6", token);
                if (ver == 4 && bit == P0fQuirks.Flow) throw Error("quirk is not valid for IPv4", token);
                q |= bit;
            }
            return q;
        }

        private int Number(string text, int min, int max, string what, string token)
        {
            if (text.Length == 0 || text.Length > 6 || !text.All(char.IsAsciiDigit)) throw Error($"malformed {what}", token);
            var v = int.Parse(text, CultureInfo.InvariantCulture);
            if (v < min || v > max) throw Error($"{what} out of range {min}-{max}", token);
            return v;
        }
    }

    /// <summary>Splits at <paramref name="separator"/> except inside [...] (HTTP header values hold ',' and ':').</summary>
    private static List<string> SplitOutsideBrackets(string text, char separator, int maxParts = int.MaxValue)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length && parts.Count < maxParts - 1; i++)
        {
            var c = text[i];
            if (c == '[') depth++;
            else if (c == ']' && depth > 0) depth--;
            else if (c == separator && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        parts.Add(text[start..]);
        return parts;
    }
}
