using System;
using System.Collections.Generic;
using System.Linq;

namespace TensorDsl.Spyre.Tests;

/// <summary>The generated <c>Reference</c> of a paged kernel (separate K and V caches <c>[N, BlockSize, Hkv, D]</c>).</summary>
public delegate void PagedReference(ReadOnlySpan<Half> q, ReadOnlySpan<Half> k, ReadOnlySpan<Half> v, Span<Half> output, PagedBatch batch, Span<float> lse);

/// <summary>A kernel of Kernels.cs: its generated Spyre spec and its reference.</summary>
public sealed record SpyreKernel(string Name, SpyreKernelSpec Spec, PagedReference Reference, string Program)
{
    public override string ToString() => Name;

    public static readonly SpyreKernel[] Conformance =
    {
        new("Mha4D128", Mha4D128.SpyreSpec, (q, k, v, o, b, l) => Mha4D128.Reference(q, k, v, o, b, l), Mha4D128.SpyreProgram),
        new("Mha4D256", Mha4D256.SpyreSpec, (q, k, v, o, b, l) => Mha4D256.Reference(q, k, v, o, b, l), Mha4D256.SpyreProgram),
        new("Gqa8x2D128", Gqa8x2D128.SpyreSpec, (q, k, v, o, b, l) => Gqa8x2D128.Reference(q, k, v, o, b, l), Gqa8x2D128.SpyreProgram),
        new("Gqa8x2D256", Gqa8x2D256.SpyreSpec, (q, k, v, o, b, l) => Gqa8x2D256.Reference(q, k, v, o, b, l), Gqa8x2D256.SpyreProgram),
    };

    public static readonly SpyreKernel Window =
        new("WindowGqa", WindowGqa.SpyreSpec, (q, k, v, o, b, l) => WindowGqa.Reference(q, k, v, o, b, l), WindowGqa.SpyreProgram);

    public static SpyreKernel ByName(string name) => Conformance.Append(Window).Single(k => k.Name == name);
}

/// <summary>
/// One vLLM batch over a stacked cache <c>[N, 2, BlockSize, Hkv, D]</c>: shuffled block ids, spare blocks, garbage past each
/// block-table row's used entries, old tokens already cached and the batch's new K/V written through
/// <see cref="SpyreHost.WriteCache"/> at the slots of each sequence's last <c>Lq</c> positions.
/// </summary>
public sealed class SpyreCase
{
    public required SpyreKernelSpec Spec { get; init; }
    public required int[] QueryLens { get; init; }
    public required int[] KvLens { get; init; }
    public required Half[] Query { get; init; }
    public required Half[] NewKeys { get; init; }
    public required Half[] NewValues { get; init; }
    public required Half[] KvCache { get; init; }
    public required PagedBatch Batch { get; init; }

    public int Tokens => QueryLens.Sum();

    public static SpyreCase Build(SpyreKernelSpec spec, IReadOnlyList<(int Q, int Kv)> sequences, int seed, float magnitude = 1f)
    {
        var random = new Random(seed);
        int bs = spec.BlockSize, hkv = spec.KvHeads, d = spec.HeadSize, hq = spec.QueryHeads;
        var blocksPer = sequences.Select(s => (s.Kv + bs - 1) / bs).ToArray();
        int used = blocksPer.Sum();
        int numBlocks = used + 3;
        var ids = Enumerable.Range(0, numBlocks).OrderBy(_ => random.Next()).ToArray();
        int maxBlocks = Math.Max(1, blocksPer.DefaultIfEmpty(0).Max() + 1);
        var table = new int[sequences.Count * maxBlocks];
        int next = 0;
        for (int b = 0; b < sequences.Count; b++)
        {
            for (int j = 0; j < maxBlocks; j++)
            {
                table[b * maxBlocks + j] = j < blocksPer[b] ? ids[next++] : (j % 2 == 0 ? -1 : int.MaxValue);
            }
        }

        var starts = new int[sequences.Count + 1];
        for (int b = 0; b < sequences.Count; b++)
        {
            starts[b + 1] = starts[b] + sequences[b].Q;
        }

        int tokens = starts[^1];
        var slots = new int[tokens];
        for (int b = 0; b < sequences.Count; b++)
        {
            for (int i = 0; i < sequences[b].Q; i++)
            {
                int pos = sequences[b].Kv - sequences[b].Q + i;
                slots[starts[b] + i] = table[b * maxBlocks + pos / bs] * bs + pos % bs;
            }
        }

        Half Next() => (Half)((random.NextSingle() * 2 - 1) * magnitude);
        var cache = new Half[numBlocks * 2 * bs * hkv * d];
        for (int i = 0; i < cache.Length; i++)
        {
            cache[i] = Next();
        }

        var q = new Half[tokens * hq * d];
        var nk = new Half[tokens * hkv * d];
        var nv = new Half[tokens * hkv * d];
        for (int i = 0; i < q.Length; i++) q[i] = Next();
        for (int i = 0; i < nk.Length; i++) nk[i] = Next();
        for (int i = 0; i < nv.Length; i++) nv[i] = Next();

        var batch = PagedBatch.Create(starts, sequences.Select(s => s.Kv).ToArray(), table, maxBlocks, slots);
        SpyreHost.WriteCache(spec, nk, nv, cache, batch);
        return new SpyreCase
        {
            Spec = spec,
            QueryLens = sequences.Select(s => s.Q).ToArray(),
            KvLens = sequences.Select(s => s.Kv).ToArray(),
            Query = q,
            NewKeys = nk,
            NewValues = nv,
            KvCache = cache,
            Batch = batch,
        };
    }

    /// <summary>The stacked cache split into the separate K and V caches the reference takes.</summary>
    public (Half[] K, Half[] V) SplitCache()
    {
        int block = Spec.BlockSize * Spec.KvHeads * Spec.HeadSize;
        int n = KvCache.Length / (2 * block);
        var k = new Half[n * block];
        var v = new Half[n * block];
        for (int b = 0; b < n; b++)
        {
            KvCache.AsSpan(2 * b * block, block).CopyTo(k.AsSpan(b * block));
            KvCache.AsSpan((2 * b + 1) * block, block).CopyTo(v.AsSpan(b * block));
        }

        return (k, v);
    }

    /// <summary>The reference engine's output (fp64, rounded once to fp16), flat [T, Hq, D].</summary>
    public Half[] Reference(SpyreKernel kernel)
    {
        var (k, v) = SplitCache();
        var expected = new Half[Tokens * Spec.QueryHeads * Spec.HeadSize];
        kernel.Reference(Query, k, v, expected, Batch, default);
        return expected;
    }

    /// <summary>Host preparation → emulator → way back: the Spyre path's flat [T, Hq, D] output.</summary>
    public Half[] Emulate(SpyreScaleOrder order = SpyreScaleOrder.ScaleQueryFirst, SpyreNumberFormat format = SpyreNumberFormat.DlFloat16, SpyreKernelSpec? spec = null) =>
        Emulate(out _, order, format, spec);

    /// <summary>The same with the inputs kept; <paramref name="spec"/> overrides the case's (e.g. without the key shift).</summary>
    public Half[] Emulate(out SpyreInputs inputs, SpyreScaleOrder order = SpyreScaleOrder.ScaleQueryFirst, SpyreNumberFormat format = SpyreNumberFormat.DlFloat16, SpyreKernelSpec? spec = null)
    {
        inputs = SpyreHost.Prepare(spec ?? Spec, Query, KvCache, Batch);
        var program = new Half[inputs.OutputElements];
        new SpyreEmulator(format).Run(inputs, program, order);
        var output = new Half[Tokens * Spec.QueryHeads * Spec.HeadSize];
        SpyreHost.Unpack(inputs, program, output);
        return output;
    }
}

/// <summary><c>torch.testing.assert_close</c>'s rule, |a − b| ≤ atol + rtol·|b|, with the worst excess reported.</summary>
public static class Close
{
    public static (double MaxAbs, double WorstRatio, int At) Measure(ReadOnlySpan<Half> actual, ReadOnlySpan<Half> expected, double atol, double rtol)
    {
        double maxAbs = 0, worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double a = (double)actual[i], e = (double)expected[i];
            double err = Math.Abs(a - e);
            if (double.IsNaN(err))
            {
                return (double.NaN, double.PositiveInfinity, i);
            }

            maxAbs = Math.Max(maxAbs, err);
            double ratio = err / (atol + rtol * Math.Abs(e));
            if (ratio > worst)
            {
                worst = ratio;
                at = i;
            }
        }

        return (maxAbs, worst, at);
    }

    public static void Assert(ReadOnlySpan<Half> actual, ReadOnlySpan<Half> expected, double atol, double rtol, string what)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        var (maxAbs, worst, at) = Measure(actual, expected, atol, rtol);
        if (!(worst <= 1))
        {
            Xunit.Assert.Fail($"{what}: element {at} is {(at < 0 ? double.NaN : (double)actual[at])}, expected {(at < 0 ? double.NaN : (double)expected[at])} (atol {atol}, rtol {rtol}; max |error| {maxAbs})");
        }
    }
}
