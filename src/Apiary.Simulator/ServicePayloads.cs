using System.Buffers.Binary;
using System.Text;

namespace Apiary.Simulator;

/// <summary>
/// Application payloads of the dialogs attackers held with open ports in 2003: NetBIOS session + SMB share and
/// password enumeration (139, 445), HTTP worm requests (80), FTP logins (21), DCE/RPC binds (135), service
/// banners. Built once (static), so generating a packet copies bytes instead of formatting text.
/// </summary>
public static class ServicePayloads
{
    // ----- NetBIOS session service (RFC 1002) and SMB1 -----

    /// <summary>NBSS session request to *SMBSERVER from a random-looking workstation name (first-level encoded).</summary>
    public static readonly byte[] NbssSessionRequest = BuildSessionRequest("*SMBSERVER", "WORKSTATION");

    /// <summary>NBSS positive session response.</summary>
    public static readonly byte[] NbssPositiveResponse = [0x82, 0, 0, 0];

    private static readonly string[] Dialects = ["PC NETWORK PROGRAM 1.0", "LANMAN1.0", "Windows for Workgroups 3.1a", "LM1.2X002", "LANMAN2.1", "NT LM 0.12"];

    public static readonly byte[] SmbNegotiateRequest = Smb(0x72, 0, false, 0, 0, [], DialectBytes());

    /// <summary>NT LM 0.12 negotiate response (17 words, 8-byte challenge, domain name).</summary>
    public static readonly byte[] SmbNegotiateResponseNt = Smb(0x72, 0, true, 0, 0, NegotiateWords(17), [.. new byte[8], .. Utf16z("WORKGROUP")]);

    /// <summary>Windows 98 picks LANMAN2.1 (13 words).</summary>
    public static readonly byte[] SmbNegotiateResponse98 = Smb(0x72, 0, true, 0, 0, NegotiateWords(13), new byte[8]);

    /// <summary>Samba (Linux) answers like NT.</summary>
    public static readonly byte[] SmbNegotiateResponseSamba = Smb(0x72, 0, true, 0, 0, NegotiateWords(17), [.. new byte[8], .. Utf16z("MYGROUP")]);

    /// <summary>Password guesses of 2003 share-cracking worms (Deloder, Randex, Gaobot lists): empty first, then common words.</summary>
    public static readonly string[] PasswordGuesses =
    [
        "", "administrator", "admin", "password", "pass", "1234", "12345", "123456", "1234567", "12345678", "123", "root",
        "server", "secret", "pwd", "test", "guest", "owner", "computer", "database", "oracle", "sql", "sa", "abc123",
        "qwerty", "letmein", "xp", "win2000", "winxp", "windows", "home", "love", "asdf", "god", "super", "access",
        "internet", "login", "changeme", "enable", "default", "temp", "user", "system", "backup", "office", "mypass",
        "passwd", "654321", "00000", "111111", "88888", "asdfgh", "zxcvbn", "student", "teacher", "boss", "staff",
        "manager", "network", "security", "monitor", "shadow", "master", "money", "pussy", "fuck", "killer", "hack",
    ];

    private static readonly byte[][] SessionSetupRequests = [.. PasswordGuesses.Select((p, i) => SessionSetup(i % 3 == 0 ? "administrator" : i % 3 == 1 ? "admin" : "guest", p))];

    public static ReadOnlySpan<byte> SmbSessionSetupRequest(int guess) => SessionSetupRequests[guess % SessionSetupRequests.Length];

    /// <summary>STATUS_LOGON_FAILURE, no words.</summary>
    public static readonly byte[] SmbLogonFailure = Smb(0x73, 0xC000006D, true, 0, 0, [], []);

    /// <summary>Null session accepted (guest): 3 words, native OS and LAN manager strings.</summary>
    public static readonly byte[] SmbSessionSetupSuccessNt = Smb(0x73, 0, true, 0, 0x0800,
        [0xFF, 0, 0, 0, 1, 0], [.. Utf16z("Windows NT 4.0"), .. Utf16z("NT LAN Manager 4.0"), .. Utf16z("WORKGROUP")]);

    public static readonly byte[] SmbSessionSetupSuccess98 = Smb(0x73, 0, true, 0, 0x0800,
        [0xFF, 0, 0, 0, 1, 0], [.. Encoding.ASCII.GetBytes("Windows 4.0\0Windows 4.0\0WORKGROUP\0")]);

    public static readonly byte[] SmbTreeConnectIpc = Smb(0x75, 0, false, 0, 0x0800,
        [0xFF, 0, 0, 0, 0, 0, 1, 0], [0, .. Utf16z("\\\\SMBSERVER\\IPC$"), .. Encoding.ASCII.GetBytes("?????\0")]);

    public static readonly byte[] SmbTreeConnectResponse = Smb(0x75, 0, true, 0x0800, 0x0800,
        [0xFF, 0, 0, 0, 1, 0], [.. Encoding.ASCII.GetBytes("IPC\0")]);

    public static readonly byte[] SmbNtCreateSrvsvc = Smb(0xA2, 0, false, 0x0800, 0x0800,
        NtCreateWords(), [0, .. Utf16z("\\srvsvc")]);

    public static readonly byte[] SmbNtCreateResponse = Smb(0xA2, 0, true, 0x0800, 0x0800, new byte[68], []);

    /// <summary>DCE/RPC bind to srvsvc over SMB (TransactNmPipe), then NetShareEnumAll.</summary>
    public static readonly byte[] SmbRpcBind = Smb(0x25, 0, false, 0x0800, 0x0800, new byte[32], [0, .. DceBind()]);

    public static readonly byte[] SmbRpcBindAck = Smb(0x25, 0, true, 0x0800, 0x0800, new byte[20], [0, .. DceBindAck()]);

    public static readonly byte[] SmbNetShareEnumRequest = Smb(0x25, 0, false, 0x0800, 0x0800, new byte[32], [0, .. DceRequest(88)]);

    /// <summary>The NT server lists its shares: the largest answer of the dialog.</summary>
    public static readonly byte[] SmbNetShareEnumResponseNt = Smb(0x25, 0, true, 0x0800, 0x0800, new byte[20], [0, .. DceResponse(520)]);

    public static readonly byte[] SmbNetShareEnumResponse98 = Smb(0x25, 0, true, 0x0800, 0x0800, new byte[20], [0, .. DceResponse(210)]);

    // ----- HTTP (80) -----

    /// <summary>Nimda's directory-traversal probes (sent one per connection).</summary>
    public static readonly byte[][] NimdaRequests =
    [
        .. new[]
        {
            "/scripts/root.exe?/c+dir", "/MSADC/root.exe?/c+dir", "/c/winnt/system32/cmd.exe?/c+dir", "/d/winnt/system32/cmd.exe?/c+dir",
            "/scripts/..%5c../winnt/system32/cmd.exe?/c+dir", "/_vti_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe?/c+dir",
            "/_mem_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe?/c+dir",
            "/msadc/..%5c../..%5c../..%5c/..\xc1\x1c../..\xc1\x1c../..\xc1\x1c../winnt/system32/cmd.exe?/c+dir",
            "/scripts/..\xc1\x1c../winnt/system32/cmd.exe?/c+dir", "/scripts/..\xc0/../winnt/system32/cmd.exe?/c+dir",
            "/scripts/..\xc0\xaf../winnt/system32/cmd.exe?/c+dir", "/scripts/..\xc1\x9c../winnt/system32/cmd.exe?/c+dir",
            "/scripts/..%35c../winnt/system32/cmd.exe?/c+dir", "/scripts/..%%35c../winnt/system32/cmd.exe?/c+dir",
            "/scripts/..%25%35%63../winnt/system32/cmd.exe?/c+dir", "/scripts/..%252f../winnt/system32/cmd.exe?/c+dir",
        }.Select(path => Latin1($"GET {path} HTTP/1.0\r\nHost: www\r\nConnnection: close\r\n\r\n")),
    ];

    /// <summary>Code Red II's buffer-overflow request (about 3.8 KB: several segments).</summary>
    public static readonly byte[] CodeRedRequest = Latin1("GET /default.ida?" + new string('X', 224)
        + string.Concat(Enumerable.Repeat("%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a", 1))
        + " HTTP/1.0\r\nContent-type: text/xml\r\nContent-length: 3379\r\n\r\n" + new string('\x90', 3370) + "CodeRedII");

    /// <summary>Plain page requests of web scanners and crawlers.</summary>
    public static readonly byte[] HttpGetRoot = Latin1("GET / HTTP/1.1\r\nHost: 192.0.2.11\r\nUser-Agent: Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)\r\nAccept: */*\r\n\r\n");

    public static readonly byte[] HttpNotFoundIis = Latin1("HTTP/1.1 404 Object Not Found\r\nServer: Microsoft-IIS/4.0\r\nDate: Mon, 01 Mar 2003 12:00:00 GMT\r\nContent-Type: text/html\r\nContent-Length: 102\r\n\r\n<html><head><title>Error 404</title></head><body>The requested URL was not found on this server.</body></html>");

    public static readonly byte[] HttpNotFoundApache = Latin1("HTTP/1.1 404 Not Found\r\nDate: Mon, 01 Mar 2003 12:00:00 GMT\r\nServer: Apache/1.3.23 (Unix)  (Red-Hat/Linux)\r\nConnection: close\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<HTML><HEAD>\n<TITLE>404 Not Found</TITLE>\n</HEAD><BODY>\n<H1>Not Found</H1>\nThe requested URL was not found on this server.<P>\n</BODY></HTML>\n");

    /// <summary>The static web site's home page (mach1 in the paper provides a static web server).</summary>
    public static readonly byte[] HttpOkPage = Latin1("HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/4.0\r\nContent-Type: text/html\r\nContent-Length: 1200\r\n\r\n<html><head><title>Welcome</title></head><body>"
        + string.Concat(Enumerable.Repeat("<p>Research laboratory - internal pages. </p>\n", 24)) + "</body></html>");

    // ----- FTP (21) -----

    public static readonly byte[] FtpBannerWindows = Latin1("220 mach1 Microsoft FTP Service (Version 4.0).\r\n");
    public static readonly byte[] FtpBannerLinux = Latin1("220 mach2 FTP server (Version wu-2.6.2-5) ready.\r\n");
    public static readonly byte[] FtpUserAnonymous = Latin1("USER anonymous\r\n");
    public static readonly byte[] FtpPasswordPrompt = Latin1("331 Anonymous access allowed, send identity (e-mail name) as password.\r\n");
    public static readonly byte[] FtpPass = Latin1("PASS guest@here.com\r\n");
    public static readonly byte[] FtpLoggedIn = Latin1("230 Anonymous user logged in.\r\n");
    public static readonly byte[] FtpMkd = Latin1("MKD 030301120000p\r\n");
    public static readonly byte[] FtpDenied = Latin1("550 030301120000p: Access is denied.\r\n");
    public static readonly byte[] FtpUserAdministrator = Latin1("USER administrator\r\n");
    public static readonly byte[] FtpPasswordRequired = Latin1("331 Password required for administrator.\r\n");
    public static readonly byte[] FtpLoginIncorrect = Latin1("530 Login incorrect.\r\n");

    /// <summary>PASS with one of <see cref="PasswordGuesses"/>.</summary>
    public static byte[] FtpPassGuess(int guess) => FtpPassGuesses[guess % FtpPassGuesses.Length];

    private static readonly byte[][] FtpPassGuesses = [.. PasswordGuesses.Select(p => Latin1("PASS " + p + "\r\n"))];

    public static readonly byte[] FtpQuit = Latin1("QUIT\r\n");
    public static readonly byte[] FtpBye = Latin1("221 Goodbye.\r\n");

    // ----- DCE/RPC endpoint mapper (135) -----

    public static readonly byte[] RpcBindEpm = DceBind();
    public static readonly byte[] RpcBindAckEpm = DceBindAck();
    public static readonly byte[] RpcRequestLarge = DceRequest(1260);
    public static readonly byte[] RpcFault = DceResponse(16);

    // ----- banners of other services -----

    public static readonly byte[] SshBanner = Latin1("SSH-1.99-OpenSSH_3.1p1\r\n");
    public static readonly byte[] SshClientBanner = Latin1("SSH-1.5-Nessus\r\n");
    public static readonly byte[] SmtpBanner = Latin1("220 mach1 Microsoft ESMTP MAIL Service, Version: 5.0.2195.1600 ready\r\n");
    public static readonly byte[] SmtpHelo = Latin1("HELO localhost\r\n");
    public static readonly byte[] GenericProbe = Latin1("\r\n\r\n");

    /// <summary>NetBIOS name service node status request (nbtstat -A), UDP 137.</summary>
    public static readonly byte[] NbnsNodeStatusRequest =
        [0x80, 0xF0, 0x00, 0x10, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x20, .. Encoding.ASCII.GetBytes("CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 0, 0x00, 0x21, 0x00, 0x01];

    /// <summary>Node status response listing the honeypot's names (a few 18-byte entries and statistics).</summary>
    public static readonly byte[] NbnsNodeStatusResponse = BuildNodeStatusResponse();

    /// <summary>SQL Slammer's single 376-byte UDP payload (shape only: 0x04 then filler).</summary>
    public static readonly byte[] SlammerPayload = [0x04, .. Enumerable.Repeat((byte)0x01, 375)];

    /// <summary>A Windows Messenger service spam (DCE/RPC over UDP to 1026/1027).</summary>
    public static readonly byte[] MessengerSpam = [0x04, 0x00, 0x28, 0x00, .. new byte[76], .. Latin1("SYSTEM ALERT - STOP! WINDOWS REQUIRES IMMEDIATE ATTENTION. Windows has found CRITICAL SYSTEM ERRORS. To fix the errors please do the following: 1. Download Registry Update from: www.example.invalid 2. Install Registry Update 3. Run Registry Update 4. Reboot your computer\0")];

    // ----- builders -----

    private static byte[] Latin1(string s) => Encoding.Latin1.GetBytes(s);

    private static byte[] Utf16z(string s) => [.. Encoding.Unicode.GetBytes(s), 0, 0];

    private static byte[] DialectBytes()
    {
        var list = new List<byte>();
        foreach (var d in Dialects) { list.Add(0x02); list.AddRange(Encoding.ASCII.GetBytes(d)); list.Add(0); }
        return [.. list];
    }

    private static byte[] NegotiateWords(int count)
    {
        var w = new byte[count * 2];
        w[0] = (byte)(count == 17 ? 5 : 4); // index of the chosen dialect
        return w;
    }

    private static byte[] NtCreateWords()
    {
        var w = new byte[48];
        w[0] = 0xFF;
        return w;
    }

    private static byte[] SessionSetup(string user, string password)
    {
        var words = new byte[26];
        words[0] = 0xFF; // no AndX
        BinaryPrimitives.WriteUInt16LittleEndian(words[4..], 4356); // max buffer
        // The null session sends empty passwords; guesses send 24-byte LM and NT challenge responses.
        var hashLength = password.Length == 0 ? 0 : 24;
        BinaryPrimitives.WriteUInt16LittleEndian(words[14..], (ushort)hashLength);
        BinaryPrimitives.WriteUInt16LittleEndian(words[16..], (ushort)hashLength);
        var bytes = new List<byte>();
        var seed = password.Aggregate(17, (h, c) => h * 31 + c);
        for (var i = 0; i < 2 * hashLength; i++) bytes.Add((byte)((seed >> (i % 24)) * 131 + i * 7));
        if (bytes.Count % 2 == 0) bytes.Add(0); // Unicode strings start on an even offset
        bytes.AddRange(Utf16z(user));
        bytes.AddRange(Utf16z("WORKGROUP"));
        bytes.AddRange(Utf16z("Windows 2000 2195"));
        bytes.AddRange(Utf16z("Windows 2000 5.0"));
        return Smb(0x73, 0, false, 0, 0, words, [.. bytes]);
    }

    /// <summary>NBSS-framed SMB1 message: header (32), word count, words, byte count, bytes.</summary>
    private static byte[] Smb(byte command, uint status, bool response, ushort tid, ushort uid, byte[] words, byte[] bytes)
    {
        var smbLength = 32 + 1 + words.Length + 2 + bytes.Length;
        var m = new byte[4 + smbLength];
        m[0] = 0x00;
        m[1] = (byte)(smbLength >> 16);
        m[2] = (byte)(smbLength >> 8);
        m[3] = (byte)smbLength;
        var h = m.AsSpan(4);
        h[0] = 0xFF; h[1] = (byte)'S'; h[2] = (byte)'M'; h[3] = (byte)'B';
        h[4] = command;
        BinaryPrimitives.WriteUInt32LittleEndian(h[5..], status);
        h[9] = (byte)(response ? 0x98 : 0x18);
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], 0xC001);
        BinaryPrimitives.WriteUInt16LittleEndian(h[24..], tid);
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], 0xFEFF); // pid
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], uid);
        BinaryPrimitives.WriteUInt16LittleEndian(h[30..], 0x0040); // mid
        h[32] = (byte)(words.Length / 2);
        words.CopyTo(h[33..]);
        BinaryPrimitives.WriteUInt16LittleEndian(h[(33 + words.Length)..], (ushort)bytes.Length);
        bytes.CopyTo(h[(35 + words.Length)..]);
        return m;
    }

    private static byte[] BuildSessionRequest(string called, string calling)
    {
        var body = new List<byte>();
        body.AddRange(EncodeNetbiosName(called));
        body.AddRange(EncodeNetbiosName(calling));
        return [0x81, 0, (byte)(body.Count >> 8), (byte)body.Count, .. body];
    }

    /// <summary>RFC 1001 first-level encoding of a 16-byte padded name: length 32, two letters per byte, terminator.</summary>
    private static byte[] EncodeNetbiosName(string name)
    {
        var padded = name.PadRight(15)[..15] + (name.StartsWith('*') ? "\x20" : "\x00");
        var result = new byte[34];
        result[0] = 32;
        for (var i = 0; i < 16; i++)
        {
            var c = (byte)padded[i];
            result[1 + 2 * i] = (byte)('A' + (c >> 4));
            result[2 + 2 * i] = (byte)('A' + (c & 0x0F));
        }
        result[33] = 0;
        return result;
    }

    private static byte[] DceBind()
    {
        var b = new byte[72];
        b[0] = 5; b[2] = 11; b[3] = 3; b[4] = 0x10;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), 72);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(16), 4280);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(18), 4280);
        b[24] = 1;
        b[28] = 1;
        return b;
    }

    private static byte[] DceBindAck()
    {
        var b = new byte[68];
        b[0] = 5; b[2] = 12; b[3] = 3; b[4] = 0x10;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), 68);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 1);
        return b;
    }

    private static byte[] DceRequest(int stubLength)
    {
        var b = new byte[24 + stubLength];
        b[0] = 5; b[2] = 0; b[3] = 3; b[4] = 0x10;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)b.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), (uint)stubLength);
        for (var i = 24; i < b.Length; i++) b[i] = (byte)(0x41 + (i % 26));
        return b;
    }

    private static byte[] DceResponse(int stubLength)
    {
        var b = new byte[24 + stubLength];
        b[0] = 5; b[2] = 2; b[3] = 3; b[4] = 0x10;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)b.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), (uint)stubLength);
        return b;
    }

    private static byte[] BuildNodeStatusResponse()
    {
        var names = new[] { ("MACH", (byte)0x00, (ushort)0x0400), ("WORKGROUP", (byte)0x00, (ushort)0x8400), ("MACH", (byte)0x20, (ushort)0x0400), ("WORKGROUP", (byte)0x1E, (ushort)0x8400) };
        var list = new List<byte> { 0x80, 0xF0, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0, 0x20 };
        list.AddRange(Encoding.ASCII.GetBytes("CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        list.AddRange([0, 0x00, 0x21, 0x00, 0x01, 0, 0, 0, 0]);
        var rdata = new List<byte> { (byte)names.Length };
        foreach (var (n, suffix, flags) in names)
        {
            rdata.AddRange(Encoding.ASCII.GetBytes(n.PadRight(15)));
            rdata.Add(suffix);
            rdata.Add((byte)(flags >> 8));
            rdata.Add((byte)flags);
        }
        rdata.AddRange([0x00, 0x0C, 0x29, 0x5A, 0x00, 0x10]);
        rdata.AddRange(new byte[40]);
        list.Add((byte)(rdata.Count >> 8));
        list.Add((byte)rdata.Count);
        list.AddRange(rdata);
        return [.. list];
    }
}
