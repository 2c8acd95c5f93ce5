using System;
using System.Globalization;

namespace TensorDsl.Spyre;

/// <summary>Counts for one batch under one design: launches, FLOPs computed and useful, bytes sent to the device.</summary>
public readonly record struct SpyreBatchCost(string Design, int Launches, double FlopsComputed, double FlopsUseful, long BytesToDevice)
{
    /// <summary>Computed over useful FLOPs (1 = no padding waste).</summary>
    public double Waste => FlopsUseful == 0 ? double.PositiveInfinity : FlopsComputed / FlopsUseful;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Design,-52} launches {Launches,4}  FLOPs computed {FlopsComputed / 1e6,10:F1} M  useful {FlopsUseful / 1e6,8:F1} M  waste {Waste,6:F2}×  bytes to device {BytesToDevice / 1024.0,9:F0} KiB");
}

/// <summary>
/// One launch of the 2D design: query rows <c>[Start, Start + Rows)</c> of sequence <paramref name="Sequence"/>, padded to
/// <paramref name="Chunk"/> rows, over its KV length padded to <paramref name="L"/>; shapes q <c>[Hq, Chunk, D]</c>,
/// k and v <c>[Hq, L, D]</c> (KV heads duplicated per query head), mask <c>[Chunk, L]</c>.
/// </summary>
public readonly record struct SpyreTwoDLaunch(int Sequence, int Start, int Rows, int Chunk, int L);

/// <summary>
/// The 4D program against the design it replaces (docs/spyre.md#2d-versus-4d), counted from the batch's lengths. The 2D
/// design launches one program per sequence and per query chunk of <c>QueryPadding</c> rows, over that sequence's KV
/// length padded to the KV bucket, with the K/V heads duplicated to all <c>Hq</c> query heads and a block-diagonal
/// <c>[chunk, L]</c> mask per launch. FLOPs count both matmuls (2·D per score and per value element).
/// </summary>
public static class SpyreDesignComparison
{
    /// <summary>FLOPs of the visible (query, key) pairs: what any design must compute.</summary>
    public static double UsefulFlops(SpyreKernelSpec spec, ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens)
    {
        double pairs = 0;
        for (int b = 0; b < queryLens.Length; b++)
        {
            for (int i = 0; i < queryLens[b]; i++)
            {
                var (lo, hi) = SpyreHost.VisibleRange(spec, kvLens[b] - queryLens[b] + i, kvLens[b]);
                pairs += Math.Max(0, hi - lo + 1);
            }
        }

        return pairs * spec.QueryHeads * 4.0 * spec.HeadSize;
    }

    /// <summary>The 4D program: one launch over <c>[B·Hkv, G, Qp, L]</c> scores with the spec's bucketing.</summary>
    public static SpyreBatchCost FourD(SpyreKernelSpec spec, ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens, string? name = null)
    {
        int maxQ = 0, maxK = 0, tokens = 0;
        for (int b = 0; b < queryLens.Length; b++)
        {
            Check(queryLens[b], kvLens[b], b);
            maxQ = Math.Max(maxQ, queryLens[b]);
            maxK = Math.Max(maxK, kvLens[b]);
            tokens += queryLens[b];
        }

        var bucketing = spec.Bucketing;
        long batch = bucketing.PadBatch(queryLens.Length), qp = bucketing.PadQuery(maxQ), l = bucketing.PadKv(maxK);
        int d = spec.HeadSize;
        double computed = (double)batch * spec.QueryHeads * qp * l * 4.0 * d;
        long bytes = 2 * (batch * spec.QueryHeads * qp * d + 2 * batch * spec.KvHeads * l * d + batch * spec.KvHeads * qp * l)
            + 4L * ((tokens + 31) / 32 * 32);
        return new SpyreBatchCost(name ?? "4D (" + bucketing + ")", 1, computed, UsefulFlops(spec, queryLens, kvLens), bytes);
    }

    /// <summary>
    /// The 4D program launched twice per batch, once for the sequences whose query fits <paramref name="decodeQuery"/>
    /// rows (decodes, short chunks) and once for the rest, each with its own Qp and L: a mixed batch stops padding every
    /// decode to the longest prefill and every prefill to the longest context. Counted only: the host prepares each group
    /// as a batch of its own (docs/spyre.md#improvements).
    /// </summary>
    public static SpyreBatchCost FourDSplit(SpyreKernelSpec spec, ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens, int decodeQuery = 8)
    {
        var shortQ = new System.Collections.Generic.List<int>();
        var shortK = new System.Collections.Generic.List<int>();
        var longQ = new System.Collections.Generic.List<int>();
        var longK = new System.Collections.Generic.List<int>();
        for (int b = 0; b < queryLens.Length; b++)
        {
            (queryLens[b] <= decodeQuery ? shortQ : longQ).Add(queryLens[b]);
            (queryLens[b] <= decodeQuery ? shortK : longK).Add(kvLens[b]);
        }

        int launches = 0;
        double computed = 0;
        long bytes = 0;
        foreach (var (q, k) in new[] { (shortQ, shortK), (longQ, longK) })
        {
            if (q.Count > 0)
            {
                var part = FourD(spec, q.ToArray(), k.ToArray());
                launches++;
                computed += part.FlopsComputed;
                bytes += part.BytesToDevice;
            }
        }

        return new SpyreBatchCost("4D split (query ≤ " + decodeQuery.ToString(CultureInfo.InvariantCulture) + " / rest)", launches, computed, UsefulFlops(spec, queryLens, kvLens), bytes);
    }

    /// <summary>The 2D design's launches for a batch: per sequence, per chunk of the query padding's rows, KV bucket 256.</summary>
    public static System.Collections.Generic.List<SpyreTwoDLaunch> TwoDPlan(SpyreKernelSpec spec, ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens)
    {
        var launches = new System.Collections.Generic.List<SpyreTwoDLaunch>();
        int chunk = spec.Bucketing.QueryPadding;
        for (int b = 0; b < queryLens.Length; b++)
        {
            Check(queryLens[b], kvLens[b], b);
            int l = SpyreBucketing.Reference.PadKv(kvLens[b]);
            for (int start = 0; start < queryLens[b]; start += chunk)
            {
                launches.Add(new SpyreTwoDLaunch(b, start, Math.Min(chunk, queryLens[b] - start), chunk, l));
            }
        }

        return launches;
    }

    /// <summary>The 2D design it replaces, counted over <see cref="TwoDPlan"/>: K/V heads duplicated, a block-diagonal mask per launch.</summary>
    public static SpyreBatchCost TwoD(SpyreKernelSpec spec, ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens)
    {
        int d = spec.HeadSize, hq = spec.QueryHeads;
        double computed = 0;
        long bytes = 0;
        var plan = TwoDPlan(spec, queryLens, kvLens);
        foreach (var launch in plan)
        {
            computed += (double)hq * launch.Chunk * launch.L * 4.0 * d;
            // Each launch sends its q chunk, the sequence's K/V duplicated to Hq heads, and its [chunk, L] mask.
            bytes += 2L * (hq * launch.Chunk * d + 2L * hq * launch.L * d + (long)launch.Chunk * launch.L);
        }

        return new SpyreBatchCost("2D (per sequence × chunk)", plan.Count, computed, UsefulFlops(spec, queryLens, kvLens), bytes);
    }

    /// <summary>Compiled variants of the 2D design over a serving configuration: one per padded KV length (the chunk is fixed).</summary>
    public static long TwoDVariants(int maxModelLen, int kvBucket = 256) => (maxModelLen + kvBucket - 1) / kvBucket;

    private static void Check(int lq, int lk, int b)
    {
        if (lq < 0 || lk < lq)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Sequence {b}: query length {lq} must be in [0, KV length {lk}]."));
        }
    }
}
