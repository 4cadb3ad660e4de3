using System.Globalization;
using Apiary.Core;
using Apiary.Store;

namespace Apiary.Enrich;

/// <summary>
/// Writes one enrichment run: the narrow <c>enrichment_answers</c> rows through the store's bulk appender
/// (<see cref="IBulkAppendStore"/>: no spilled file, no per-row statement), then, on <see cref="Complete"/>, its
/// <c>enrichment_runs</c> row (the provenance, once) and its <c>enrichment_as_orgs</c>. The caller wraps it in a
/// transaction: the run id is taken when the writer starts and the run row is written last, so nothing of a run
/// that fails half-way stays. Single-threaded (the lookups feed it from their threads through
/// <see cref="EnrichmentAnswerBlock"/>s).
/// </summary>
internal sealed class EnrichmentRunWriter : IDisposable
{
    /// <summary>The columns of SourcesSchema.EnrichmentAnswers, in order, as written by <see cref="Add(IpAddress128, ReadOnlySpan{byte}, SourceEnrichment)"/>.</summary>
    private const int AnswerColumns = 6;

    /// <summary>The columns of SourcesSchema.EnrichmentAsOrgs.</summary>
    private const int AsOrgColumns = 3;

    private readonly IBulkAppendStore _store;
    private readonly EnrichmentRun _run;
    private readonly ITableAppender _answers;
    private readonly byte[] _text = new byte[EnrichmentAnswerBlock.MaxAddressText];
    private bool _completed;

    /// <summary>The run id the answers are written with (the row in <c>enrichment_runs</c> follows on <see cref="Complete"/>).</summary>
    public int RunId { get; }

    /// <summary>Answers written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>The AS organisation names of the answers written.</summary>
    public AsOrganisations Organisations { get; } = new();

    private EnrichmentRunWriter(IBulkAppendStore store, EnrichmentRun run, int runId)
    {
        _store = store;
        _run = run;
        RunId = runId;
        _answers = store.AppendTo("enrichment_answers", AnswerColumns);
    }

    /// <summary>Starts a run inside the caller's transaction. The store must offer bulk appends (DuckDB does).</summary>
    public static EnrichmentRunWriter Begin(IStore store, EnrichmentRun run)
    {
        if (store is not IBulkAppendStore bulk)
            throw new NotSupportedException($"writing enrichment answers needs a store with bulk appends (IBulkAppendStore); the {store.Dialect} store has none");
        var runId = Convert.ToInt32(store.Query("SELECT coalesce(max(run_id), 0) + 1 FROM enrichment_runs").Scalar(), CultureInfo.InvariantCulture);
        return new EnrichmentRunWriter(bulk, run, runId);
    }

    /// <summary>One answer; the address text is formatted here (callers with the text at hand use the other overload).</summary>
    public void Add(IpAddress128 address, SourceEnrichment answer) =>
        Add(address, _text.AsSpan(0, EnrichmentAnswerBlock.FormatAddress(address.ToIPAddress(), _text)), answer);

    /// <summary>One answer for <paramref name="address"/>, whose text (UTF-8) is <paramref name="text"/>.</summary>
    public void Add(IpAddress128 address, ReadOnlySpan<byte> text, SourceEnrichment answer)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _answers.AddUHugeInt(((UInt128)address.Hi << 64) | address.Lo);
        _answers.AddInt(RunId);
        _answers.AddUtf8(text);
        _answers.AddText(answer.Country);
        _answers.AddText(answer.Country2);
        _answers.AddUInt(answer.Asn);
        _answers.EndRow();
        if (answer.Asn is { } asn && answer.AsOrg is { } org) Organisations.Add(asn, org);
        Rows++;
    }

    /// <summary>Every answer of a block filled by a lookup thread.</summary>
    public void Add(EnrichmentAnswerBlock block)
    {
        for (var i = 0; i < block.Count; i++) Add(block.Addresses[i], block.Text(i), block.Answers[i]);
    }

    /// <summary>
    /// Closes the answers and writes the run row (with the number of answers) and the AS names. Returns the run id,
    /// or null when no answer was written (then no run row is written either).
    /// </summary>
    /// <param name="organisationConflicts">answers that named their AS differently than the name kept</param>
    public int? Complete(out long organisationConflicts)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        _answers.Close();
        organisationConflicts = Organisations.Conflicts;
        if (Rows == 0) return null;
        _store.Execute($"""
            INSERT INTO enrichment_runs (run_id, db_set, country_db, country_db_build, country2_db, country2_db_build,
                                         asn_db, asn_db_build, enriched_at, addresses)
            VALUES ({RunId}, {SqlLiteral.Text(_run.DbSet)},
                    {SqlLiteral.Text(_run.CountryDb)}, {SqlLiteral.Timestamp(_run.CountryDbBuild)},
                    {SqlLiteral.Text(_run.Country2Db)}, {SqlLiteral.Timestamp(_run.Country2DbBuild)},
                    {SqlLiteral.Text(_run.AsnDb)}, {SqlLiteral.Timestamp(_run.AsnDbBuild)},
                    {SqlLiteral.Timestamp(_run.EnrichedAt)}, {Rows})
            """);
        if (Organisations.Names.Count > 0)
        {
            using var orgs = _store.AppendTo("enrichment_as_orgs", AsOrgColumns);
            foreach (var (asn, org) in Organisations.Names)
            {
                orgs.AddInt(RunId);
                orgs.AddUInt(asn);
                orgs.AddText(org);
                orgs.EndRow();
            }
            orgs.Close();
        }
        return RunId;
    }

    public void Dispose() => _answers.Dispose();
}
