using System;
using System.ComponentModel;
using TensorDsl.Runtime;

namespace TensorDsl.Cpu;

/// <summary>
/// The sizes, layouts and metadata of one attention call, validated once by its factory so that
/// <see cref="AttentionDriver.Run"/> only has to check the spans it is given. Dense problems have one query
/// length and one KV length for the whole batch; varlen problems take both per sequence from a
/// <see cref="VarlenBatch"/> (a <see cref="PagedBatch"/> when K/V live in a paged cache).
/// </summary>
/// <remarks>
/// Every factory check throws before anything is read: a <see cref="ShapeException"/> naming the parameter for
/// a size, or an <see cref="ArgumentException"/> naming it for a layout the problem cannot take.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct AttentionProblem
{
    private AttentionProblem(
        bool varlen, int batch, int queryHeads, int kvHeads, int queryLength, int kvLength, int headDim, int valueDim,
        RowAddressing q, KvAddressing k, KvAddressing v, RowAddressing output, VarlenBatch? metadata)
    {
        IsVarlen = varlen;
        Batch = batch;
        QueryHeads = queryHeads;
        KvHeads = kvHeads;
        QueryLength = queryLength;
        KvLength = kvLength;
        HeadDim = headDim;
        ValueDim = valueDim;
        Q = q;
        K = k;
        V = v;
        Output = output;
        Metadata = metadata;
        Heads = new HeadRange(0, queryHeads);
    }

    /// <summary>Whether the lengths come per sequence from <see cref="Metadata"/>.</summary>
    public bool IsVarlen { get; }

    /// <summary>B: the number of sequences.</summary>
    public int Batch { get; }

    /// <summary>Hq.</summary>
    public int QueryHeads { get; }

    /// <summary>Hkv (divides Hq; G = Hq / Hkv query heads share a KV head).</summary>
    public int KvHeads { get; }

    /// <summary>Sq of a dense problem (0 for varlen).</summary>
    public int QueryLength { get; }

    /// <summary>Sk of a dense problem (0 for varlen).</summary>
    public int KvLength { get; }

    /// <summary>D: the q/k head size.</summary>
    public int HeadDim { get; }

    /// <summary>Dv: the v/output head size.</summary>
    public int ValueDim { get; }

    /// <summary>The query heads computed and written (all of them unless narrowed by <see cref="WithHeads"/>).</summary>
    public HeadRange Heads { get; private set; }

    /// <summary>The varlen (or paged) metadata; null for a dense problem.</summary>
    public VarlenBatch? Metadata { get; }

    internal RowAddressing Q { get; }

    internal KvAddressing K { get; }

    internal KvAddressing V { get; }

    internal RowAddressing Output { get; }

    /// <summary>
    /// A dense problem: q and output are Bhsd or Bshd <c>[B, Hq, Sq, D|Dv]</c>, k and v Bhsd or Bshd
    /// <c>[B, Hkv, Sk, D|Dv]</c>. <paramref name="kvLength"/> may be below <paramref name="queryLength"/>
    /// (cross-attention; rows are bottom-right aligned).
    /// </summary>
    public static AttentionProblem Dense(
        int batch, int queryHeads, int kvHeads, int queryLength, int kvLength, int headDim, int valueDim,
        RowAddressing q, KvAddressing k, KvAddressing v, RowAddressing output)
    {
        CheckHeads(queryHeads, kvHeads, headDim, valueDim);
        KernelGuard.Dim("batch", "B", batch);
        KernelGuard.Dim("q", "Sq", queryLength);
        KernelGuard.Dim("k", "Sk", kvLength);
        CheckDenseRows("q", q, queryHeads, queryLength, headDim);
        CheckDenseRows("output", output, queryHeads, queryLength, valueDim);
        CheckDenseKv("k", k, kvHeads, kvLength, headDim);
        CheckDenseKv("v", v, kvHeads, kvLength, valueDim);

        // Element counts must fit an int (every span does): check them now, before any call.
        KernelGuard.Elements("q", batch, queryHeads, queryLength, headDim);
        KernelGuard.Elements("k", batch, kvHeads, kvLength, headDim);
        KernelGuard.Elements("v", batch, kvHeads, kvLength, valueDim);
        KernelGuard.Elements("output", batch, queryHeads, queryLength, valueDim);
        KernelGuard.Elements("lse", batch, queryHeads, queryLength);
        return new(false, batch, queryHeads, kvHeads, queryLength, kvLength, headDim, valueDim, q, k, v, output, null);
    }

    /// <summary>
    /// A varlen problem: q and output are tokens <c>[T, Hq, D|Dv]</c>; k and v are tokens
    /// <c>[Σ seq_lens, Hkv, D|Dv]</c> or a paged cache (which requires <paramref name="batch"/> to be a
    /// <see cref="PagedBatch"/>). A stacked cache needs k as its key half, v as its value half and D = Dv.
    /// </summary>
    public static AttentionProblem Varlen(
        VarlenBatch batch, int queryHeads, int kvHeads, int headDim, int valueDim,
        RowAddressing q, KvAddressing k, KvAddressing v, RowAddressing output)
    {
        if (batch is null) throw new ArgumentNullException(nameof(batch));
        CheckHeads(queryHeads, kvHeads, headDim, valueDim);
        CheckTokenRows("q", q, queryHeads, headDim);
        CheckTokenRows("output", output, queryHeads, valueDim);
        CheckVarlenKv(batch, k, v, kvHeads, headDim, valueDim);

        int tokens = batch.NumTokens;
        KernelGuard.Elements("q", tokens, queryHeads, headDim);
        KernelGuard.Elements("output", tokens, queryHeads, valueDim);
        KernelGuard.Elements("lse", queryHeads, tokens);
        if (k.Layout == Layout.Tokens)
        {
            int kvTokens = KvTokens(batch);
            KernelGuard.Elements("k", kvTokens, kvHeads, headDim);
            KernelGuard.Elements("v", kvTokens, kvHeads, valueDim);
        }
        else if (k.IsStacked)
        {
            KernelGuard.Elements("k", 2, k.NumBlocks, k.BlockSize, KernelGuard.Product("k", "H·D", kvHeads, headDim));
        }
        else
        {
            KernelGuard.Elements("k", k.BlockSize, kvHeads, headDim);
            KernelGuard.Elements("v", v.BlockSize, kvHeads, valueDim);
        }

        return new(true, batch.NumSequences, queryHeads, kvHeads, 0, 0, headDim, valueDim, q, k, v, output, batch);
    }

    /// <summary>The same problem restricted to query heads <paramref name="heads"/> (a tensor-parallel shard).</summary>
    public readonly AttentionProblem WithHeads(HeadRange heads)
    {
        if (heads.End > QueryHeads)
        {
            throw new ShapeException(
                "heads", "Start + Count", "≤ " + QueryHeads.ToString(System.Globalization.CultureInfo.InvariantCulture), heads.End);
        }

        var copy = this;
        copy.Heads = heads;
        return copy;
    }

    // The exact span lengths, recomputed per call with overflow checks: varlen metadata is read live, so a
    // buffer changed after the factory ran is caught here rather than trusted.

    internal readonly int QueryElements => IsVarlen
        ? KernelGuard.Elements("q", Metadata!.NumTokens, QueryHeads, HeadDim)
        : KernelGuard.Elements("q", Batch, QueryHeads, QueryLength, HeadDim);

    internal readonly int OutputElements => IsVarlen
        ? KernelGuard.Elements("output", Metadata!.NumTokens, QueryHeads, ValueDim)
        : KernelGuard.Elements("output", Batch, QueryHeads, QueryLength, ValueDim);

    internal readonly int LseElements => IsVarlen
        ? KernelGuard.Elements("lse", QueryHeads, Metadata!.NumTokens)
        : KernelGuard.Elements("lse", Batch, QueryHeads, QueryLength);

    /// <summary>The exact length of a dense or token k (<paramref name="dim"/> = D) or v (Dv) span.</summary>
    internal readonly int KvElements(string name, int dim) => IsVarlen
        ? KernelGuard.Elements(name, KvTokens(Metadata!), KvHeads, dim)
        : KernelGuard.Elements(name, Batch, KvHeads, KvLength, dim);

    /// <summary>The element count of one cache block of the given addressing.</summary>
    internal static long KvBlockElements(in KvAddressing cache) => (long)cache.BlockSize * cache.Heads * cache.HeadDim;

    internal static int KvTokens(VarlenBatch batch)
    {
        if (batch.TotalKvTokens > int.MaxValue)
        {
            throw new ShapeException("k", "tokens (Σ seq_lens)", "≤ 2147483647", batch.TotalKvTokens);
        }

        return (int)batch.TotalKvTokens;
    }

    private static void CheckHeads(int queryHeads, int kvHeads, int headDim, int valueDim)
    {
        KernelGuard.Dim("q", "Hq", queryHeads);
        KernelGuard.Positive("k", "Hkv", kvHeads);
        KernelGuard.MultipleOf("q", "Hq", kvHeads, queryHeads);
        KernelGuard.Dim("q", "D", headDim);
        KernelGuard.Dim("v", "Dv", valueDim);
    }

    private static void CheckDenseRows(string name, RowAddressing rows, int heads, int length, int dim)
    {
        if (rows.Layout is not (Layout.Bhsd or Layout.Bshd))
        {
            throw new ArgumentException($"'{name}' must be addressed Bhsd or Bshd in a dense problem.", name);
        }

        KernelGuard.Equal(name, "H", heads, rows.Heads);
        KernelGuard.Equal(name, "S", length, rows.Length);
        KernelGuard.Equal(name, "D", dim, rows.HeadDim);
    }

    private static void CheckDenseKv(string name, KvAddressing kv, int heads, int length, int dim)
    {
        if (kv.Layout is not (Layout.Bhsd or Layout.Bshd))
        {
            throw new ArgumentException($"'{name}' must be addressed Bhsd or Bshd in a dense problem.", name);
        }

        KernelGuard.Equal(name, "H", heads, kv.Heads);
        KernelGuard.Equal(name, "S", length, kv.Length);
        KernelGuard.Equal(name, "D", dim, kv.HeadDim);
    }

    private static void CheckTokenRows(string name, RowAddressing rows, int heads, int dim)
    {
        if (rows.Layout != Layout.Tokens)
        {
            throw new ArgumentException($"'{name}' must be addressed as tokens in a varlen problem.", name);
        }

        KernelGuard.Equal(name, "H", heads, rows.Heads);
        KernelGuard.Equal(name, "D", dim, rows.HeadDim);
    }

    private static void CheckVarlenKv(VarlenBatch batch, KvAddressing k, KvAddressing v, int heads, int headDim, int valueDim)
    {
        if (k.Layout is not (Layout.Tokens or Layout.Pages))
        {
            throw new ArgumentException("'k' must be addressed as tokens or a paged cache in a varlen problem.", "k");
        }

        if (v.Layout != k.Layout)
        {
            throw new ArgumentException("'v' must be addressed like 'k' (tokens, paged or stacked paged).", "v");
        }

        if (k.IsPaged && batch is not PagedBatch)
        {
            throw new ArgumentException("A paged K/V cache needs a PagedBatch (its block table).", nameof(batch));
        }

        KernelGuard.Equal("k", "H", heads, k.Heads);
        KernelGuard.Equal("k", "D", headDim, k.HeadDim);
        KernelGuard.Equal("v", "H", heads, v.Heads);
        KernelGuard.Equal("v", "D", valueDim, v.HeadDim);
        if (k.IsPaged)
        {
            KernelGuard.Equal("v", "BlockSize", k.BlockSize, v.BlockSize);
        }

        if (k.IsStacked)
        {
            if (k.IsValues) throw new ArgumentException("'k' addresses the value half of the stacked cache.", "k");
            if (!v.IsValues) throw new ArgumentException("'v' addresses the key half of the stacked cache.", "v");
            if (v.CacheLayout != k.CacheLayout) throw new ArgumentException("'v' and 'k' name different stacked layouts.", "v");
            KernelGuard.Equal("v", "N", k.NumBlocks, v.NumBlocks);

            // Both halves are laid out with one block size, so K and V rows must be the same size.
            KernelGuard.Equal("v", "D", headDim, valueDim);
        }
    }
}
