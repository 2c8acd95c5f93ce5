using System;
using System.Globalization;

namespace TensorDsl;

/// <summary>
/// vLLM v1 varlen metadata (docs/semantics.md#metadata) for a batch of <see cref="NumSequences"/> sequences whose new query tokens lie
/// back to back in a <c>[T, H, D]</c> tensor: <c>query_start_loc</c> (int32 <c>[B+1]</c>, prefix sums of the query
/// lengths) and <c>seq_lens</c> (int32 <c>[B]</c>, the total KV length of each sequence, new tokens included).
/// </summary>
/// <remarks>
/// <para>
/// The arrays are held, not copied, so a serving loop can reuse its persistent buffers; <see cref="Create"/>
/// validates them once. Changing the underlying memory afterwards voids that validation: create a new batch
/// (kernels that index memory from it also bounds-check what they read).
/// </para>
/// <para>
/// Query row <c>i</c> of sequence <c>b</c> sits at absolute position <c>KvLength(b) − QueryLength(b) + i</c>
/// (bottom-right aligned), which covers prefill, chunked prefill, decode and mixed batches with one rule.
/// </para>
/// </remarks>
public class VarlenBatch
{
    private protected VarlenBatch(
        ReadOnlyMemory<int> queryStartLoc, ReadOnlyMemory<int> seqLens, int maxQueryLen, int maxSeqLen, long totalKvTokens)
    {
        QueryStartLoc = queryStartLoc;
        SeqLens = seqLens;
        MaxQueryLen = maxQueryLen;
        MaxSeqLen = maxSeqLen;
        TotalKvTokens = totalKvTokens;
    }

    /// <summary><c>query_start_loc</c>, length <c>B + 1</c>: starts at 0, non-decreasing, last entry = <see cref="NumTokens"/>.</summary>
    public ReadOnlyMemory<int> QueryStartLoc { get; }

    /// <summary><c>seq_lens</c>, length <c>B</c>: each ≥ that sequence's query length.</summary>
    public ReadOnlyMemory<int> SeqLens { get; }

    /// <summary>The longest query length in the batch (0 for an empty batch).</summary>
    public int MaxQueryLen { get; }

    /// <summary>The longest KV length in the batch (0 for an empty batch).</summary>
    public int MaxSeqLen { get; }

    /// <summary>
    /// <c>Σ seq_lens</c>: the token count of a flat varlen K/V tensor <c>[Σ seq_lens, H, D]</c>. A long, because a
    /// paged batch's total may legitimately exceed int; a kernel that needs it as a tensor size checks it fits.
    /// </summary>
    public long TotalKvTokens { get; }

    /// <summary><c>B</c>.</summary>
    public int NumSequences => SeqLens.Length;

    /// <summary><c>T</c>: the total number of query tokens.</summary>
    public int NumTokens => QueryStartLoc.Span[QueryStartLoc.Length - 1];

    /// <summary>The index of sequence <paramref name="sequence"/>'s first query token in the <c>[T, …]</c> tensor.</summary>
    public int QueryStart(int sequence)
    {
        CheckSequence(sequence);
        return QueryStartLoc.Span[sequence];
    }

    /// <summary>The number of new query tokens of sequence <paramref name="sequence"/>.</summary>
    public int QueryLength(int sequence)
    {
        CheckSequence(sequence);
        var loc = QueryStartLoc.Span;
        return loc[sequence + 1] - loc[sequence];
    }

    /// <summary>The total KV length of sequence <paramref name="sequence"/> (its <c>seq_lens</c> entry).</summary>
    public int KvLength(int sequence)
    {
        CheckSequence(sequence);
        return SeqLens.Span[sequence];
    }

    /// <summary>
    /// Validates the metadata and computes <see cref="MaxQueryLen"/> and <see cref="MaxSeqLen"/>. Throws
    /// <see cref="ShapeException"/> naming the array, the index, the expected and the actual value.
    /// </summary>
    public static VarlenBatch Create(ReadOnlyMemory<int> queryStartLoc, ReadOnlyMemory<int> seqLens)
    {
        var (maxQuery, maxSeq, totalKv) = ValidateVarlen(queryStartLoc, seqLens);
        return new VarlenBatch(queryStartLoc, seqLens, maxQuery, maxSeq, totalKv);
    }

    /// <summary>
    /// The rules <see cref="Create"/> checked, checked again with the same messages: a serving loop refills the metadata
    /// in place, so every call re-validates (O(B)) — this is the one place they are written (docs/design.md).
    /// </summary>
    internal void Revalidate() => ValidateVarlen(QueryStartLoc, SeqLens);

    private protected static (int MaxQueryLen, int MaxSeqLen, long TotalKvTokens) ValidateVarlen(
        ReadOnlyMemory<int> queryStartLoc, ReadOnlyMemory<int> seqLens)
    {
        var loc = queryStartLoc.Span;
        var lens = seqLens.Span;
        if (loc.Length < 1)
        {
            throw new ShapeException("queryStartLoc", "length", "B + 1 ≥ 1", loc.Length);
        }

        int batch = loc.Length - 1;
        if (lens.Length != batch)
        {
            throw new ShapeException("seqLens", "length", Invariant($"{batch} (queryStartLoc.Length − 1)"), lens.Length);
        }

        if (loc[0] != 0)
        {
            throw new ShapeException("queryStartLoc", "[0]", "0", loc[0]);
        }

        int maxQuery = 0, maxSeq = 0;
        long totalKv = 0; // B < 2^31 terms each < 2^31: cannot overflow a long
        for (int b = 0; b < batch; b++)
        {
            if (loc[b + 1] < loc[b])
            {
                throw new ShapeException(
                    "queryStartLoc", Invariant($"[{b + 1}]"), Invariant($"≥ {loc[b]} (queryStartLoc[{b}])"), loc[b + 1]);
            }

            int queryLength = loc[b + 1] - loc[b]; // cannot overflow: both are ≥ 0 and ordered
            if (lens[b] < queryLength)
            {
                throw new ShapeException(
                    "seqLens", Invariant($"[{b}]"), Invariant($"≥ {queryLength} (the query length of sequence {b})"), lens[b]);
            }

            maxQuery = Math.Max(maxQuery, queryLength);
            maxSeq = Math.Max(maxSeq, lens[b]);
            totalKv += lens[b];
        }

        return (maxQuery, maxSeq, totalKv);
    }

    private protected void CheckSequence(int sequence)
    {
        if ((uint)sequence >= (uint)NumSequences)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sequence), sequence, Invariant($"The batch has {NumSequences} sequences."));
        }
    }

    private protected static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
