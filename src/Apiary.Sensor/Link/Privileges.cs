using System.Runtime.InteropServices;

namespace Apiary.Sensor.Link;

/// <summary>Drops every Linux capability once the raw socket is open (the open socket keeps working).</summary>
public static partial class Privileges
{
    [StructLayout(LayoutKind.Sequential)]
    private struct CapHeader
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapData
    {
        public uint Effective, Permitted, Inheritable;
        public uint Effective2, Permitted2, Inheritable2;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int capset(ref CapHeader header, ref CapData data);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    /// <summary>Clears all capabilities and sets no_new_privs; returns false (and leaves things as they were) if the kernel refused.</summary>
    public static bool DropAll()
    {
        const int PR_SET_NO_NEW_PRIVS = 38;
        _ = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        var h = new CapHeader { Version = 0x20080522, Pid = 0 };
        var d = new CapData();
        return capset(ref h, ref d) == 0;
    }
}
