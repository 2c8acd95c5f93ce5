using System;
using System.Collections.Generic;
using System.Globalization;
using static System.FormattableString;

namespace TensorDsl.Spyre;

/// <summary>One launch of a step: the static shape it runs and the step's sequences it holds (ascending).</summary>
public sealed record SpyreLaunch(SpyreVariant Variant, int[] Sequences);

/// <summary>
/// The finite set of static shapes a server compiles at start-up, and the rule that serves every vLLM step from it in
/// at most <see cref="MaxLaunches"/> launches (docs/spyre.md#the-step-plan). Fixed by three limits:
/// <c>max_num_seqs</c>, <c>max_model_len</c> and <c>max_num_batched_tokens</c>. The shapes:
/// <list type="bullet">
/// <item>batch <c>B</c>: powers of two up to <c>max_num_seqs</c> rounded up to one;</item>
/// <item>KV length <c>L</c>: 256 · 2^k up to <c>max_model_len</c> rounded up to one;</item>
/// <item>query <c>Qp</c>: 1 (decodes) and 32 · 2^k up to <c>min(max_model_len, max_num_batched_tokens)</c> rounded up;</item>
/// <item>every (B, 1, L), and (B, Qp, L) for Qp ≥ 32 where <c>L ≥ Qp</c> and <c>B · Qp ≤ 2 · P</c>, <c>P</c> being
/// <c>max_num_batched_tokens</c> rounded up to a power of two (B and Qp are powers of two, so a cap between two of them
/// would only drop shapes a step needs).</item>
/// </list>
/// A step's sequences are ordered by (Qp, L) bucket, longest first, and cut into at most three contiguous groups,
/// each padded to the smallest variant holding it; the cut with the fewest computed FLOPs wins (ties: fewer launches,
/// then the earliest cuts). The emitted Python module implements the same rule; the tests check they agree.
/// </summary>
public sealed class SpyreStepBuckets
{
    public const int MaxLaunches = 3;

    /// <summary>The smallest KV bucket: the reference design's 256 (a multiple of the 64-element stick).</summary>
    public const int KvBase = 256;

    /// <summary>The smallest query bucket above a decode: the reference design's 32-row padding.</summary>
    public const int QueryBase = 32;

    private readonly List<int> _batches = new(), _queries = new(), _kvs = new();
    private readonly List<SpyreVariant> _variants = new();
    private readonly long _paddedTokens;

    private SpyreStepBuckets(int maxNumSeqs, int maxModelLen, int maxNumBatchedTokens)
    {
        MaxNumSeqs = maxNumSeqs;
        MaxModelLen = maxModelLen;
        MaxNumBatchedTokens = maxNumBatchedTokens;
        _paddedTokens = 1;
        while (_paddedTokens < maxNumBatchedTokens)
        {
            _paddedTokens *= 2;
        }
        for (int b = 1; ; b *= 2)
        {
            _batches.Add(b);
            if (b >= maxNumSeqs) break;
        }

        for (int l = KvBase; ; l *= 2)
        {
            _kvs.Add(l);
            if (l >= maxModelLen) break;
        }

        _queries.Add(1);
        int longest = Math.Min(maxModelLen, maxNumBatchedTokens);
        for (int q = QueryBase; ; q *= 2)
        {
            _queries.Add(q);
            if (q >= longest) break;
        }

        foreach (var b in _batches)
        {
            foreach (var q in _queries)
            {
                foreach (var l in _kvs)
                {
                    if (Holds(b, q, l))
                    {
                        _variants.Add(new SpyreVariant(b, q, l));
                    }
                }
            }
        }
    }

    /// <summary>The variants for a serving configuration (vLLM's <c>max_num_seqs</c>, <c>max_model_len</c>, <c>max_num_batched_tokens</c>).</summary>
    public static SpyreStepBuckets Plan(int maxNumSeqs, int maxModelLen, int maxNumBatchedTokens = 2048)
    {
        if (maxNumSeqs <= 0 || maxNumSeqs > SpyreBucketing.MaxPlanSequences)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNumSeqs), maxNumSeqs, $"max_num_seqs must be in [1, {SpyreBucketing.MaxPlanSequences}].");
        }

        if (maxModelLen <= 0 || maxModelLen > SpyreBucketing.MaxPlanModelLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxModelLen), maxModelLen, $"max_model_len must be in [1, {SpyreBucketing.MaxPlanModelLength}].");
        }

        if (maxNumBatchedTokens <= 0 || maxNumBatchedTokens > SpyreBucketing.MaxPlanModelLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNumBatchedTokens), maxNumBatchedTokens, $"max_num_batched_tokens must be in [1, {SpyreBucketing.MaxPlanModelLength}].");
        }

        return new SpyreStepBuckets(maxNumSeqs, maxModelLen, maxNumBatchedTokens);
    }

    public int MaxNumSeqs { get; }

    public int MaxModelLen { get; }

    public int MaxNumBatchedTokens { get; }

    public IReadOnlyList<int> BatchSizes => _batches;

    public IReadOnlyList<int> QueryBuckets => _queries;

    public IReadOnlyList<int> KvBuckets => _kvs;

    /// <summary>Exactly the shapes a server compiles, batch-major, then Qp, then L.</summary>
    public IReadOnlyList<SpyreVariant> Variants => _variants;

    public int Count => _variants.Count;

    /// <summary>Whether (B, Qp, L) is one of the plan's shapes (B, Qp and L drawn from their bucket lists).</summary>
    public bool Contains(SpyreVariant variant) =>
        _batches.Contains(variant.Batch) && _queries.Contains(variant.Qp) && _kvs.Contains(variant.L) && Holds(variant.Batch, variant.Qp, variant.L);

    private bool Holds(int b, int qp, int l) => qp == 1 || (l >= qp && (long)b * qp <= 2 * _paddedTokens);

    /// <summary>
    /// The launches serving one step (query and KV length per sequence; sequences with no query token get no launch).
    /// A step beyond the limits the plan was made for is refused with a <see cref="ShapeException"/> naming the limit.
    /// </summary>
    public IReadOnlyList<SpyreLaunch> Schedule(ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens)
    {
        if (queryLens.Length != kvLens.Length)
        {
            throw new ShapeException("seqLens", "length", Invariant($"the number of sequences, {queryLens.Length}"), kvLens.Length);
        }

        if (queryLens.Length > MaxNumSeqs)
        {
            throw new ShapeException("seqLens", "sequences", Invariant($"≤ max_num_seqs {MaxNumSeqs}"), queryLens.Length);
        }

        long tokens = 0;
        var active = new List<int>(queryLens.Length);
        for (int s = 0; s < queryLens.Length; s++)
        {
            if (kvLens[s] > MaxModelLen)
            {
                throw new ShapeException("seqLens", Invariant($"[{s}]"), Invariant($"≤ max_model_len {MaxModelLen}"), kvLens[s]);
            }

            if (queryLens[s] < 0 || queryLens[s] > kvLens[s])
            {
                throw new ShapeException("queryStartLoc", Invariant($"query length of sequence {s}"), Invariant($"in [0, seq_len {kvLens[s]}]"), queryLens[s]);
            }

            tokens += queryLens[s];
            if (queryLens[s] > 0)
            {
                active.Add(s);
            }
        }

        if (tokens > MaxNumBatchedTokens)
        {
            throw new ShapeException("queryStartLoc", "T", Invariant($"≤ max_num_batched_tokens {MaxNumBatchedTokens}"), tokens);
        }

        var q = queryLens.ToArray();
        var kv = kvLens.ToArray();
        active.Sort((x, y) =>
        {
            int c = PadQuery(q[y]).CompareTo(PadQuery(q[x]));
            if (c == 0) c = PadKv(kv[y]).CompareTo(PadKv(kv[x]));
            return c != 0 ? c : x.CompareTo(y);
        });

        int n = active.Count;
        if (n == 0)
        {
            return Array.Empty<SpyreLaunch>();
        }

        // Cut candidates: where the (Qp, L) bucket changes, and a power of two into each run of equal buckets (so that
        // a run too large for one variant can be halved).
        var cuts = new List<int> { 0 };
        int runStart = 0;
        for (int i = 1; i < n; i++)
        {
            bool change = PadQuery(q[active[i]]) != PadQuery(q[active[i - 1]]) || PadKv(kv[active[i]]) != PadKv(kv[active[i - 1]]);
            if (change)
            {
                runStart = i;
                cuts.Add(i);
            }
            else if (((i - runStart) & (i - runStart - 1)) == 0)
            {
                cuts.Add(i);
            }
        }

        cuts.Add(n);
        long Cost(int from, int to)
        {
            // Sorted by Qp first, the group's longest query is its first; its longest KV length needs a scan.
            int qp = PadQuery(q[active[from]]), l = 0;
            for (int i = from; i < to; i++) l = Math.Max(l, PadKv(kv[active[i]]));
            int b = PadBatch(to - from);
            return b <= _batches[^1] && Holds(b, qp, l) ? (long)b * qp * l : -1;
        }

        long best = -1;
        int bestA = -1, bestB = -1;
        int last = cuts.Count - 1;
        void Consider(long cost, int a, int b)
        {
            if (cost >= 0 && (best < 0 || cost < best))
            {
                (best, bestA, bestB) = (cost, a, b);
            }
        }

        Consider(Cost(0, n), -1, -1);
        for (int a = 1; a < last; a++)
        {
            long first = Cost(0, cuts[a]), second = first < 0 ? -1 : Cost(cuts[a], n);
            Consider(first < 0 || second < 0 ? -1 : first + second, a, -1);
        }

        for (int a = 1; a < last; a++)
        {
            long first = Cost(0, cuts[a]);
            for (int b = a + 1; first >= 0 && b < last; b++)
            {
                long second = Cost(cuts[a], cuts[b]), third = second < 0 ? -1 : Cost(cuts[b], n);
                Consider(second < 0 || third < 0 ? -1 : first + second + third, a, b);
            }
        }

        if (best < 0)
        {
            throw new ShapeException("seqLens", "step", Invariant($"a step that {MaxLaunches} launches of the plan's {Count} variants hold"), n);
        }

        var bounds = new List<int> { 0 };
        if (bestA > 0) bounds.Add(cuts[bestA]);
        if (bestB > 0) bounds.Add(cuts[bestB]);
        bounds.Add(n);
        var launches = new SpyreLaunch[bounds.Count - 1];
        for (int g = 0; g < launches.Length; g++)
        {
            var members = active.GetRange(bounds[g], bounds[g + 1] - bounds[g]).ToArray();
            int qp = 0, l = 0;
            foreach (var m in members)
            {
                qp = Math.Max(qp, PadQuery(q[m]));
                l = Math.Max(l, PadKv(kv[m]));
            }

            Array.Sort(members);
            launches[g] = new SpyreLaunch(new SpyreVariant(PadBatch(members.Length), qp, l), members);
        }

        return launches;
    }

    /// <summary>The smallest batch bucket ≥ <paramref name="sequences"/> (past the largest: a value no variant has).</summary>
    public int PadBatch(int sequences) => Pad(_batches, sequences);

    public int PadQuery(int queryLen) => Pad(_queries, Math.Max(1, queryLen));

    public int PadKv(int kvLen) => Pad(_kvs, Math.Max(1, kvLen));

    private static int Pad(List<int> buckets, int value)
    {
        foreach (var bucket in buckets)
        {
            if (bucket >= value) return bucket;
        }

        return int.MaxValue;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Count} variants for max_num_seqs {MaxNumSeqs}, max_model_len {MaxModelLen}, max_num_batched_tokens {MaxNumBatchedTokens}: B ∈ {{{string.Join(", ", _batches)}}}, Qp ∈ {{{string.Join(", ", _queries)}}}, L ∈ {{{string.Join(", ", _kvs)}}}");
}
