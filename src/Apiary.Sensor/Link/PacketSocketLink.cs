using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Apiary.Sensor.Link;

/// <summary>
/// A Linux AF_PACKET raw socket bound to one interface, in promiscuous mode (the virtual hosts have their own MAC
/// addresses). Chosen over libpcap for the sensor's own path: one system call per frame each way, no callback
/// layer, and the kernel-drop counter (PACKET_STATISTICS) in reach. Needs CAP_NET_RAW.
/// </summary>
public sealed partial class PacketSocketLink : IFrameLink
{
    private const int AF_PACKET = 17, SOCK_RAW = 3, ETH_P_ALL = 0x0003;
    private const int SOL_SOCKET = 1, SO_RCVTIMEO = 20, SO_RCVBUFFORCE = 33, SO_RCVBUF = 8;
    private const int SOL_PACKET = 263, PACKET_ADD_MEMBERSHIP = 1, PACKET_MR_PROMISC = 1, PACKET_STATISTICS = 6;
    private const int EAGAIN = 11, EINTR = 4, EPERM = 1, EACCES = 13;
    private const byte PACKET_OUTGOING = 4;

    private readonly int _fd;
    private readonly int _ifindex;
    private readonly byte[] _mac;

    [StructLayout(LayoutKind.Sequential)]
    private struct SockaddrLl
    {
        public ushort Family;
        public ushort Protocol;
        public int IfIndex;
        public ushort HaType;
        public byte PktType;
        public byte HaLen;
        public ulong Addr;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PacketMreq
    {
        public int IfIndex;
        public ushort Type;
        public ushort ALen;
        public ulong Address;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timeval
    {
        public long Sec;
        public long Usec;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PacketStats
    {
        public uint Packets;
        public uint Drops;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(int fd, ref SockaddrLl addr, int len);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, ref PacketMreq value, int len);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, ref Timeval value, int len);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, ref int value, int len);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int name, ref PacketStats value, ref int len);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint recvfrom(int fd, byte* buf, nint len, int flags, ref SockaddrLl from, ref int fromlen);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint send(int fd, byte* buf, nint len, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint if_nametoindex(string name);

    /// <summary>Opens the interface. Throws <see cref="LinkPermissionException"/> when the process lacks CAP_NET_RAW.</summary>
    public PacketSocketLink(string interfaceName, int pollMilliseconds = 20, int receiveBufferBytes = 32 << 20)
    {
        _ifindex = (int)if_nametoindex(interfaceName);
        if (_ifindex == 0) throw new IOException($"interface '{interfaceName}' not found");
        var macPath = $"/sys/class/net/{interfaceName}/address";
        _mac = File.Exists(macPath)
            ? File.ReadAllText(macPath).Trim().Split(':').Select(x => Convert.ToByte(x, 16)).ToArray()
            : new byte[6];
        _fd = socket(AF_PACKET, SOCK_RAW, Htons(ETH_P_ALL));
        if (_fd < 0)
        {
            var err = Marshal.GetLastPInvokeError();
            if (err is EPERM or EACCES)
                throw new LinkPermissionException(
                    $"cannot open a raw packet socket on '{interfaceName}': permission denied. The sensor needs CAP_NET_RAW " +
                    "(and CAP_NET_ADMIN for promiscuous mode): run as root, or grant them, e.g. " +
                    "`setcap cap_net_raw,cap_net_admin+ep $(readlink -f $(which dotnet))` or systemd AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN.");
            throw new Win32Exception(err, $"socket(AF_PACKET) failed");
        }
        try
        {
            var sll = new SockaddrLl { Family = AF_PACKET, Protocol = Htons(ETH_P_ALL), IfIndex = _ifindex };
            Check(bind(_fd, ref sll, Marshal.SizeOf<SockaddrLl>()), "bind");
            var mreq = new PacketMreq { IfIndex = _ifindex, Type = PACKET_MR_PROMISC };
            if (setsockopt(_fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, ref mreq, Marshal.SizeOf<PacketMreq>()) != 0)
            {
                var err = Marshal.GetLastPInvokeError();
                if (err is EPERM or EACCES)
                    throw new LinkPermissionException($"cannot put '{interfaceName}' in promiscuous mode: the sensor needs CAP_NET_ADMIN");
                throw new Win32Exception(err, "PACKET_ADD_MEMBERSHIP");
            }
            // A large kernel buffer absorbs bursts (nmap, floods) while the single-threaded loop catches up.
            var rcv = receiveBufferBytes;
            if (setsockopt(_fd, SOL_SOCKET, SO_RCVBUFFORCE, ref rcv, 4) != 0)
                setsockopt(_fd, SOL_SOCKET, SO_RCVBUF, ref rcv, 4);
            var tv = new Timeval { Sec = 0, Usec = pollMilliseconds * 1000L };
            Check(setsockopt(_fd, SOL_SOCKET, SO_RCVTIMEO, ref tv, Marshal.SizeOf<Timeval>()), "SO_RCVTIMEO");
        }
        catch
        {
            close(_fd);
            throw;
        }
    }

    public ReadOnlySpan<byte> OwnMac => _mac;

    public unsafe int Receive(byte[] buffer)
    {
        while (true)
        {
            var from = new SockaddrLl();
            var fromLen = Marshal.SizeOf<SockaddrLl>();
            nint n;
            fixed (byte* p = buffer) n = recvfrom(_fd, p, buffer.Length, 0, ref from, ref fromLen);
            if (n < 0)
            {
                var err = Marshal.GetLastPInvokeError();
                if (err is EAGAIN or EINTR) return 0;
                throw new Win32Exception(err, "recvfrom");
            }
            // Frames that this host itself sends (the kernel's own traffic) are seen as OUTGOING; the sensor
            // answers only what arrives from the wire.
            if (from.PktType == PACKET_OUTGOING) continue;
            return (int)n;
        }
    }

    public long TakeKernelDrops()
    {
        var st = new PacketStats();
        var len = Marshal.SizeOf<PacketStats>();
        return getsockopt(_fd, SOL_PACKET, PACKET_STATISTICS, ref st, ref len) == 0 ? st.Drops : 0;
    }

    public unsafe void Send(ReadOnlySpan<byte> frame)
    {
        fixed (byte* p = frame)
        {
            // ENOBUFS under a flood is not fatal: the frame is lost like on a congested wire.
            _ = send(_fd, p, frame.Length, 0);
        }
    }

    public void Dispose() => close(_fd);

    private static ushort Htons(int v) => (ushort)(((v & 0xFF) << 8) | ((v >> 8) & 0xFF));

    private static void Check(int rc, string what)
    {
        if (rc != 0) throw new Win32Exception(Marshal.GetLastPInvokeError(), what);
    }
}

/// <summary>The process lacks a capability the sensor needs; the message names it.</summary>
public sealed class LinkPermissionException : Exception
{
    public LinkPermissionException(string message) : base(message) { }

    public LinkPermissionException() { }

    public LinkPermissionException(string message, Exception inner) : base(message, inner) { }
}
