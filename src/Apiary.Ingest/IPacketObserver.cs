using Apiary.Core;
using Apiary.Store;

namespace Apiary.Ingest;

/// <summary>
/// A component that sees every decoded packet during ingest and stores its own per-file results (the passive
/// OS fingerprinter, per-source enrichment). The pipeline calls one observer for one file at a time, in this
/// order: <see cref="OnFileStart"/>, <see cref="OnPacket"/> for every frame, then exactly one of
/// <see cref="OnFileComplete"/> or <see cref="OnFileAborted"/>. See docs/architecture.md ("Ingest pipeline").
/// </summary>
public interface IPacketObserver
{
    /// <summary>Before the first packet of a file (decode thread). Reset per-file state here.</summary>
    void OnFileStart(IngestFileInfo file);

    /// <summary>
    /// Every frame, right after it was decoded (decode thread, the hot loop: keep it cheap, allocate nothing
    /// for packets you do not keep). <paramref name="frame"/>.Data is valid only during the call: copy what you keep.
    /// An observer may attach what it computed to the packet (<see cref="DecodedPacket.Fingerprint"/>): the store
    /// writes that with the packet's row, in the lane transaction that holds the packet. Decoded fields stay as decoded.
    /// </summary>
    void OnPacket(in CapturedFrame frame, ref DecodedPacket packet);

    /// <summary>
    /// After the last packet, inside the store transaction that marks the file complete: rows written through
    /// <paramref name="store"/> commit atomically with the file. Tables written here must have a
    /// <c>file_id</c> column so crash recovery and re-ingest can remove a file's rows (docs/schema.md).
    /// </summary>
    void OnFileComplete(IStore store, int fileId);

    /// <summary>The file's load was cancelled or failed: drop its state, nothing of it is stored.</summary>
    void OnFileAborted(int fileId);
}

/// <summary>The file an observer is about to see.</summary>
public sealed record IngestFileInfo(int FileId, string Path, string Sha256, string Sensor);
