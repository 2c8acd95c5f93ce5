using System;
using System.Collections.Generic;
using System.Globalization;

namespace TensorDsl.Spyre;

/// <summary>How the batch dimension of the 4D program is bucketed.</summary>
public enum SpyreBatchRule
{
    /// <summary>Every batch size is its own shape (the reference design: <c>B·Hkv</c> is the leading dimension).</summary>
    Exact,

    /// <summary>The batch is padded with empty sequences up to the next power of two.</summary>
    PowerOfTwo,
}

/// <summary>
/// The static-shape rules of the Spyre program (docs/spyre.md#buckets): the KV length <c>L</c> is the longest
/// sequence rounded up to a multiple of <see cref="KvBucket"/>; the query length <c>Qp</c> is the longest query
/// rounded up to the smallest of <see cref="SmallQueryBuckets"/> that holds it, else to a multiple of
/// <see cref="QueryPadding"/>; the batch follows <see cref="BatchRule"/>.
/// </summary>
public sealed record SpyreBucketing
{
    /// <summary>The reference design's rule: L a multiple of 256, Qp a multiple of 32, every batch size exact.</summary>
    public static SpyreBucketing Reference { get; } = new(SpyreFacts.DefaultKvBucket, SpyreFacts.DefaultQueryPadding);

    /// <summary>
    /// The rule this target recommends: query buckets 1 and 8 below the 32-row padding (a decode-only batch computes 1
    /// row, not 32), KV lengths in multiples of 128 (two sticks), and batches padded to powers of two, which pays for the
    /// extra query and KV buckets in compiled variants.
    /// </summary>
    public static SpyreBucketing Improved { get; } = new(128, 32, new[] { 1, 8 }, SpyreBatchRule.PowerOfTwo);

    public SpyreBucketing(int kvBucket = SpyreFacts.DefaultKvBucket, int queryPadding = SpyreFacts.DefaultQueryPadding, int[]? smallQueryBuckets = null, SpyreBatchRule batchRule = SpyreBatchRule.Exact)
    {
        // The analyzer's stick rule (TDSL0033), enforced here too: L is the mask's stick dimension. Whole pages per bucket
        // is checked where the block size is known (SpyreKernelSpec).
        if (kvBucket <= 0 || kvBucket % SpyreFacts.StickElements != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kvBucket), kvBucket,
                $"The KV bucket must be a positive multiple of {SpyreFacts.StickElements} (the mask's stick dimension holds L).");
        }

        if (queryPadding <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(queryPadding), queryPadding, "The query padding must be > 0.");
        }

        var small = (int[])(smallQueryBuckets ?? Array.Empty<int>()).Clone();
        Array.Sort(small);
        for (int i = 0; i < small.Length; i++)
        {
            if (small[i] <= 0 || small[i] >= queryPadding || (i > 0 && small[i] == small[i - 1]))
            {
                throw new ArgumentException(
                    $"Small query buckets must be distinct and in [1, {queryPadding}) (the query padding); got {small[i]}.", nameof(smallQueryBuckets));
            }
        }

        KvBucket = kvBucket;
        QueryPadding = queryPadding;
        _smallQueryBuckets = small;
        BatchRule = batchRule;
    }

    public int KvBucket { get; }

    public int QueryPadding { get; }

    private readonly int[] _smallQueryBuckets;

    public IReadOnlyList<int> SmallQueryBuckets => _smallQueryBuckets;

    public SpyreBatchRule BatchRule { get; }

    /// <summary>The padded query length for a batch whose longest query is <paramref name="maxQueryLen"/> (≥ 1 for an empty batch).</summary>
    public int PadQuery(int maxQueryLen)
    {
        int needed = Math.Max(1, maxQueryLen);
        foreach (var bucket in _smallQueryBuckets) // the array, not the interface: no enumerator allocated per call
        {
            if (needed <= bucket)
            {
                return bucket;
            }
        }

        return RoundUp(needed, QueryPadding, "query length");
    }

    /// <summary>The KV length <c>L</c> for a batch whose longest sequence is <paramref name="maxSeqLen"/> (at least one bucket).</summary>
    public int PadKv(int maxSeqLen) => RoundUp(Math.Max(1, maxSeqLen), KvBucket, "KV length");

    /// <summary>The batch dimension for <paramref name="sequences"/> sequences (at least 1).</summary>
    public int PadBatch(int sequences)
    {
        int b = Math.Max(1, sequences);
        if (BatchRule == SpyreBatchRule.Exact)
        {
            return b;
        }

        int p = 1;
        while (p < b)
        {
            p = checked(p * 2);
        }

        return p;
    }

    /// <summary>The largest <c>max_num_seqs</c> a plan enumerates.</summary>
    public const int MaxPlanSequences = 1 << 16;

    /// <summary>The largest <c>max_model_len</c> a plan enumerates (2^24 tokens).</summary>
    public const int MaxPlanModelLength = 1 << 24;

    /// <summary>
    /// The static shape variants a server with these limits compiles: every padded batch size up to
    /// <paramref name="maxNumSeqs"/>, every query bucket up to the padded <paramref name="maxQueryLen"/> (default:
    /// <paramref name="maxModelLen"/>), every KV length up to the padded <paramref name="maxModelLen"/>, keeping only the
    /// (Qp, L) pairs some batch can produce (a query never exceeds its sequence).
    /// </summary>
    public SpyreBucketPlan Plan(int maxNumSeqs, int maxModelLen, int? maxQueryLen = null)
    {
        if (maxNumSeqs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNumSeqs), maxNumSeqs, "max_num_seqs must be > 0.");
        }

        if (maxModelLen <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxModelLen), maxModelLen, "max_model_len must be > 0.");
        }

        // The plan enumerates every batch size and bucket: limits far past any serving configuration would loop for
        // ever (an int counter at int.MaxValue) or exhaust memory, so they are refused.
        if (maxNumSeqs > MaxPlanSequences)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNumSeqs), maxNumSeqs, $"max_num_seqs must be ≤ {MaxPlanSequences}.");
        }

        if (maxModelLen > MaxPlanModelLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxModelLen), maxModelLen, $"max_model_len must be ≤ {MaxPlanModelLength}.");
        }

        int maxQuery = Math.Min(maxQueryLen ?? maxModelLen, maxModelLen);
        if (maxQuery <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxQueryLen), maxQueryLen, "max_query_len must be > 0.");
        }

        var batches = new List<int>();
        for (int b = 1; b <= maxNumSeqs; b++)
        {
            int padded = PadBatch(b);
            if (batches.Count == 0 || batches[batches.Count - 1] != padded)
            {
                batches.Add(padded);
            }
        }

        // Each query bucket with the shortest query that lands in it (a (Qp, L) pair exists when that query fits L).
        var queries = new List<(int Bucket, int Shortest)>();
        for (int q = 1; q <= maxQuery;)
        {
            int bucket = PadQuery(q);
            queries.Add((bucket, q));
            q = bucket + 1;
        }

        var kvs = new List<int>();
        for (int l = KvBucket; ; l += KvBucket)
        {
            kvs.Add(l);
            if (l >= maxModelLen)
            {
                break;
            }
        }

        var pairs = new List<(int Qp, int L)>();
        foreach (var (bucket, shortest) in queries)
        {
            foreach (var l in kvs)
            {
                if (shortest <= l)
                {
                    pairs.Add((bucket, l));
                }
            }
        }

        return new SpyreBucketPlan(this, maxNumSeqs, maxModelLen, maxQuery, batches, queries.ConvertAll(q => q.Bucket), kvs, pairs);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"KV bucket {KvBucket}, query padding {QueryPadding}{(SmallQueryBuckets.Count == 0 ? "" : " (small buckets " + string.Join("/", SmallQueryBuckets) + ")")}, batch {BatchRule}");

    private static int RoundUp(int value, int multiple, string what)
    {
        long rounded = ((long)value + multiple - 1) / multiple * multiple;
        if (rounded > int.MaxValue)
        {
            throw new ShapeException("batch", what, "a padded size that fits an int", value);
        }

        return (int)rounded;
    }
}

/// <summary>One static shape of the program: q <c>[Batch·Hkv, G, Qp, D]</c>, k/v <c>[Batch·Hkv, 1, L, D]</c>.</summary>
public readonly record struct SpyreVariant(int Batch, int Qp, int L);

/// <summary>The static shape variants for a serving configuration (<see cref="SpyreBucketing.Plan"/>).</summary>
public sealed class SpyreBucketPlan
{
    private readonly List<(int Qp, int L)> _pairs;

    internal SpyreBucketPlan(
        SpyreBucketing bucketing, int maxNumSeqs, int maxModelLen, int maxQueryLen,
        List<int> batches, List<int> queryBuckets, List<int> kvBuckets, List<(int Qp, int L)> pairs)
    {
        Bucketing = bucketing;
        MaxNumSeqs = maxNumSeqs;
        MaxModelLen = maxModelLen;
        MaxQueryLen = maxQueryLen;
        BatchSizes = batches;
        QueryBuckets = queryBuckets;
        KvBuckets = kvBuckets;
        _pairs = pairs;
    }

    public SpyreBucketing Bucketing { get; }

    public int MaxNumSeqs { get; }

    public int MaxModelLen { get; }

    public int MaxQueryLen { get; }

    public IReadOnlyList<int> BatchSizes { get; }

    public IReadOnlyList<int> QueryBuckets { get; }

    public IReadOnlyList<int> KvBuckets { get; }

    /// <summary>How many programs are compiled: batch sizes × feasible (Qp, L) pairs.</summary>
    public long Count => (long)BatchSizes.Count * _pairs.Count;

    /// <summary>Every variant, batch-major (lazily: a large serving configuration has many).</summary>
    public IEnumerable<SpyreVariant> Variants
    {
        get
        {
            foreach (var b in BatchSizes)
            {
                foreach (var (qp, l) in _pairs)
                {
                    yield return new SpyreVariant(b, qp, l);
                }
            }
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Count} variants = {BatchSizes.Count} batch sizes [{Summary(BatchSizes)}] × {_pairs.Count} (Qp, L) pairs; Qp ∈ [{Summary(QueryBuckets)}], L ∈ [{Summary(KvBuckets)}]");

    private static string Summary(IReadOnlyList<int> values) => values.Count <= 6
        ? string.Join(", ", values)
        : string.Create(CultureInfo.InvariantCulture, $"{values[0]}, {values[1]}, {values[2]}, …, {values[values.Count - 1]} ({values.Count})");
}
