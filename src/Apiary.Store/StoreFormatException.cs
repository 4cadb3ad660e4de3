namespace Apiary.Store;

/// <summary>
/// The store file exists but is not in a layout this version can use (e.g. written by an older Apiary). The
/// message names the file and what to do; the CLI prints it and exits 1 instead of failing later on a missing table.
/// </summary>
public sealed class StoreFormatException(string message) : Exception(message);
