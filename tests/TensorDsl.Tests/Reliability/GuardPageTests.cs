using System;
using System.Runtime.InteropServices;
using TensorDsl.Cpu;
using TensorDsl.Tests.Conformance;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Reliability;

/// <summary>A theory that runs only where <see cref="GuardedArena"/> works (Linux); skipped with the reason elsewhere.</summary>
public sealed class GuardPageTheoryAttribute : TheoryAttribute
{
    public GuardPageTheoryAttribute()
    {
        if (GuardedArena.Unsupported is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A generated entry point called on spans (managed arrays or guarded native memory alike).</summary>
public delegate void SpanCall<TQ, TKV>(
    ReadOnlySpan<TQ> q, ReadOnlySpan<TKV> k, ReadOnlySpan<TKV> v, ReadOnlySpan<float> side, Span<TQ> output, Span<float> lse, VarlenBatch? batch)
    where TQ : unmanaged
    where TKV : unmanaged;

/// <summary>
/// The generated kernels (Run on the CPU driver at whatever vector path this process runs — .ci/run runs this project
/// once per path — and Reference) over buffers that end (or start) exactly at a PROT_NONE page, inputs and metadata
/// read-only (docs/reliability.md). An access one element outside any span kills the process; a run that finishes
/// must also give bit for bit the result of the same call on managed arrays (whose agreement with Reference the
/// conformance suite checks), with and without the LSE.
/// </summary>
public sealed class GuardPageTests
{
    public static TheoryData<GuardSide> Sides => new() { GuardSide.End, GuardSide.Start };

    // (B, Hq, Hkv, Sq, Sk, D): tile-edge lengths, GQA 1/2/4/8, odd head sizes, a split-KV decode, empty dims.
    private static readonly (int B, int Hq, int Hkv, int Sq, int Sk, int D)[] DenseShapes =
    {
        (2, 4, 2, 33, 65, 17), (1, 2, 2, 127, 129, 15), (1, 4, 4, 7, 1, 1), (2, 4, 1, 64, 31, 128),
        (1, 8, 1, 1, 2049, 64), (2, 8, 2, 3, 1000, 16), (1, 2, 1, 0, 5, 8), (1, 2, 1, 5, 0, 8), (0, 2, 1, 4, 4, 8),
    };

    [GuardPageTheory]
    [MemberData(nameof(Sides))]
    public void DenseFloatRunAndReference(GuardSide side)
    {
        foreach (var s in DenseShapes)
        {
            var (q, k, v) = Draw<float, float>(s.B * s.Hq * s.Sq * s.D, s.B * s.Hkv * s.Sk * s.D, seed: s.Sq * 31 + s.Sk);
            int outLength = s.B * s.Hq * s.Sq * s.D, lseLength = s.B * s.Hq * s.Sq;
            Compare(side, $"F32BhsdCausal {s}", q, k, v, Array.Empty<float>(), outLength, lseLength, null,
                (q, k, v, _, o, l, _) => F32BhsdCausal.Run(q: q, k: k, v: v, output: o, B: s.B, Hq: s.Hq, Sq: s.Sq, D: s.D, Hkv: s.Hkv, Sk: s.Sk, lse: l));
            Compare(side, $"F32BshdCausal {s}", q, k, v, Array.Empty<float>(), outLength, lseLength, null,
                (q, k, v, _, o, l, _) => F32BshdCausal.Run(q: q, k: k, v: v, output: o, B: s.B, Hq: s.Hq, Sq: s.Sq, D: s.D, Hkv: s.Hkv, Sk: s.Sk, lse: l));
            if ((long)s.Sq * s.Sk * s.D * s.Hq * s.B <= 600_000)
            {
                Compare(side, $"F32BhsdCausal.Reference {s}", q, k, v, Array.Empty<float>(), outLength, lseLength, null,
                    (q, k, v, _, o, l, _) => F32BhsdCausal.Reference(q: q, k: k, v: v, output: o, B: s.B, Hq: s.Hq, Sq: s.Sq, D: s.D, Hkv: s.Hkv, Sk: s.Sk, lse: l));
            }
        }
    }

    [GuardPageTheory]
    [MemberData(nameof(Sides))]
    public void DenseSideInputsAndElementTypes(GuardSide side)
    {
        foreach (var s in DenseShapes)
        {
            int outLength = s.B * s.Hq * s.Sq * s.D, lseLength = s.B * s.Hq * s.Sq;
            var bias = Floats(s.B * s.Hq * s.Sq * s.Sk, 7);
            var perHead = Floats(s.Hq, 11);

            var (qf, kf, vf) = Draw<float, float>(outLength, s.B * s.Hkv * s.Sk * s.D, seed: 1);
            Compare(side, $"F32BshdBiasFull {s}", qf, kf, vf, bias, outLength, lseLength, null,
                (q, k, v, x, o, l, _) => F32BshdBiasFull.Run(q: q, k: k, v: v, bias: x, output: o, B: s.B, Hq: s.Hq, Sq: s.Sq, D: s.D, Hkv: s.Hkv, Sk: s.Sk, lse: l));
            Compare(side, $"F32BhsdAlibi {s}", qf, kf, vf, perHead, outLength, lseLength, null,
                (q, k, v, x, o, l, _) => F32BhsdAlibi.Run(q: q, k: k, v: v, slopes: x, output: o, B: s.B, Hq: s.Hq, Sq: s.Sq, D: s.D, Hkv: s.Hkv, Sk: s.Sk, lse: l));

            var (qh, kh, vh) = Draw<Half, Half>(outLength, s.B * s.Hkv * s.Sk * s.D, seed: 2);
            Compare(side, $"F16BhsdSinks {s}", qh, kh, vh, perHead, outLength, lseLength, null,
                (q, k, v, x, o, l, _) => F16BhsdSinks.Run(q: q, k: k, v: v, sinks: x, output: o, B: s.B, Hq: s.Hq, Sq: s.Sq, D: s.D, Hkv: s.Hkv, Sk: s.Sk, lse: l));

            var (qb, kb, vb) = Draw<BFloat16, BFloat16>(outLength, s.B * s.Hkv * s.Sk * s.D, seed: 3);
            Compare(side, $"BF16BhsdGptOss {s}", qb, kb, vb, perHead, outLength, lseLength, null,
                (q, k, v, x, o, l, _) => BF16BhsdGptOss.Run(q: q, k: k, v: v, sinks: x, output: o, B: s.B, Hq: s.Hq, Sq: s.Sq, D: s.D, Hkv: s.Hkv, Sk: s.Sk, lse: l));

            var (qm, km, vm) = Draw<float, BFloat16>(outLength, s.B * s.Hkv * s.Sk * s.D, seed: 4);
            Compare(side, $"MixF32BF16BhsdSoftcap {s}", qm, km, vm, Array.Empty<float>(), outLength, lseLength, null,
                (q, k, v, _, o, l, _) => MixF32BF16BhsdSoftcap.Run(q: q, k: k, v: v, output: o, B: s.B, Hq: s.Hq, Sq: s.Sq, D: s.D, Hkv: s.Hkv, Sk: s.Sk, lse: l));
        }

        // Const sizes (Hq 32, Hkv 8, D 128), fp32 over a Half cache, a decode long enough to split.
        foreach (var (b, sq, sk) in new[] { (1, 1, 1500), (2, 33, 65) })
        {
            var (q, k, v) = Draw<float, Half>(b * sq * 32 * 128, b * sk * 8 * 128, seed: 5);
            Compare(side, $"MixF32F16BshdGqa B{b} Sq{sq} Sk{sk}", q, k, v, Array.Empty<float>(), b * sq * 32 * 128, b * 32 * sq, null,
                (q, k, v, _, o, l, _) => MixF32F16BshdGqa.Run(q: q, k: k, v: v, output: o, B: b, Sq: sq, Sk: sk, lse: l));
        }
    }

    // (query lengths, KV lengths): mixed prefill + chunked prefill + decodes + idle, tile edges, split decodes, empty.
    private static readonly (int[] Lq, int[] Lk)[] Batches =
    {
        (new[] { 5, 1, 3, 0, 0 }, new[] { 5, 40, 19, 7, 0 }),
        (new[] { 33, 1, 65 }, new[] { 33, 129, 127 }),
        (new[] { 1, 1 }, new[] { 2049, 600 }),
        (new[] { 1 }, new[] { 31 }),
        (Array.Empty<int>(), Array.Empty<int>()),
    };

    [GuardPageTheory]
    [MemberData(nameof(Sides))]
    public void PagedRunStackedRunAndReference(GuardSide side)
    {
        foreach (var (lq, lk) in Batches)
        {
            string label = $"Lq [{string.Join(",", lq)}] Lk [{string.Join(",", lk)}]";

            var built = BuiltBatch.Build(lq, lk, blockSize: 16, seed: lq.Length * 7 + 1);
            int t = built.NumTokens, cache = built.NumBlocks * 16 * 2 * 64;
            var (q, k, v) = Draw<float, float>(t * 8 * 64, cache, seed: 6);
            Compare(side, $"PagedF32Causal {label}", q, k, v, Array.Empty<float>(), t * 8 * 64, 8 * t, built,
                (q, k, v, _, o, l, x) => PagedF32Causal.Run(q: q, k: k, v: v, output: o, batch: (PagedBatch)x!, lse: l));
            var stacked = Floats(2 * cache, 20);
            Compare(side, $"PagedF32Causal stacked {label}", q, stacked, stacked, Array.Empty<float>(), t * 8 * 64, 8 * t, built,
                (q, kv, _, _, o, l, x) => PagedF32Causal.Run(q: q, kvCache: kv, layout: KvCacheLayout.KvFirst, output: o, batch: (PagedBatch)x!, lse: l));
            if (built.TotalKv <= 300)
            {
                Compare(side, $"PagedF32Causal.Reference {label}", q, k, v, Array.Empty<float>(), t * 8 * 64, 8 * t, built,
                    (q, k, v, _, o, l, x) => PagedF32Causal.Reference(q: q, k: k, v: v, output: o, batch: (PagedBatch)x!, lse: l));
            }

            var built1 = BuiltBatch.Build(lq, lk, blockSize: 1, seed: 3);
            var perHead = Floats(8, 12);
            var (qh, kh, vh) = Draw<Half, Half>(t * 8 * 128, built1.NumBlocks * 2 * 128, seed: 7);
            Compare(side, $"PagedF16Sinks {label}", qh, kh, vh, perHead, t * 8 * 128, 8 * t, built1,
                (q, k, v, s, o, l, x) => PagedF16Sinks.Run(q: q, k: k, v: v, sinks: s, output: o, batch: (PagedBatch)x!, lse: l));

            var (qm, km, vm) = Draw<float, Half>(t * 8 * 64, cache, seed: 8);
            Compare(side, $"PagedMixF32F16Causal {label}", qm, km, vm, Array.Empty<float>(), t * 8 * 64, 8 * t, built,
                (q, k, v, _, o, l, x) => PagedMixF32F16Causal.Run(q: q, k: k, v: v, output: o, batch: (PagedBatch)x!, lse: l));

            // Run-time heads, block size 1, an odd head size.
            const int hq = 6, hkv = 3, d = 17;
            var (qb, kb, vb) = Draw<BFloat16, BFloat16>(t * hq * d, built1.NumBlocks * hkv * d, seed: 9);
            Compare(side, $"PagedBF16RuntimeHeadsAlibi {label}", qb, kb, vb, Floats(hq, 13), t * hq * d, hq * t, built1,
                (q, k, v, s, o, l, x) => PagedBF16RuntimeHeadsAlibi.Run(q: q, k: k, v: v, slopes: s, output: o, batch: (PagedBatch)x!, Hq: hq, D: d, Hkv: hkv, lse: l));
        }
    }

    [GuardPageTheory]
    [MemberData(nameof(Sides))]
    public void VarlenRun(GuardSide side)
    {
        foreach (var (lq, lk) in Batches)
        {
            string label = $"Lq [{string.Join(",", lq)}] Lk [{string.Join(",", lk)}]";
            var built = BuiltBatch.Build(lq, lk, blockSize: 0, seed: 1);
            int t = built.NumTokens, tk = built.TotalKv;
            var (q, k, v) = Draw<float, float>(t * 8 * 64, tk * 2 * 64, seed: 10);
            Compare(side, $"VarlenF32Causal {label}", q, k, v, Array.Empty<float>(), t * 8 * 64, 8 * t, built,
                (q, k, v, _, o, l, x) => VarlenF32Causal.Run(q: q, k: k, v: v, output: o, batch: x!, lse: l));

            var (q2, k2, v2) = Draw<float, float>(t * 4 * 9, tk * 1 * 9, seed: 11);
            Compare(side, $"VarlenF32RuntimeHeadsCausal {label}", q2, k2, v2, Array.Empty<float>(), t * 4 * 9, 4 * t, built,
                (q, k, v, _, o, l, x) => VarlenF32RuntimeHeadsCausal.Run(q: q, k: k, v: v, output: o, batch: x!, Hq: 4, D: 9, Hkv: 1, lse: l));

            var (qh, kh, vh) = Draw<Half, Half>(t * 8 * 128, tk * 1 * 128, seed: 12);
            Compare(side, $"VarlenF16GptOss {label}", qh, kh, vh, Floats(8, 14), t * 8 * 128, 8 * t, built,
                (q, k, v, s, o, l, x) => VarlenF16GptOss.Run(q: q, k: k, v: v, sinks: s, output: o, batch: x!, lse: l));
        }
    }

    [GuardPageTheory]
    [MemberData(nameof(Sides))]
    public void WriteCacheSeparateAndStacked(GuardSide side)
    {
        foreach (var (lq, lk) in Batches)
        {
            var built = BuiltBatch.Build(lq, lk, blockSize: 16, seed: 2);
            int t = built.NumTokens, cache = built.NumBlocks * 16 * 2 * 64;
            var newKeys = Floats(t * 2 * 64, 15);
            var newValues = Floats(t * 2 * 64, 16);
            var kc = Floats(cache, 17);
            var vc = Floats(cache, 18);
            var stacked = Floats(2 * cache, 19);

            var expectedK = (float[])kc.Clone();
            var expectedV = (float[])vc.Clone();
            var expectedStacked = (float[])stacked.Clone();
            PagedF32Causal.WriteCache(newKeys: newKeys, newValues: newValues, keyCache: expectedK, valueCache: expectedV, batch: built.Paged);
            PagedF32Causal.WriteCache(newKeys: newKeys, newValues: newValues, kvCache: expectedStacked, layout: KvCacheLayout.BlocksFirst, batch: built.Paged);

            using var arena = new GuardedArena(side);
            var batch = (PagedBatch)Guard(arena, built);
            var gk = arena.Output<float>(kc);
            var gv = arena.Output<float>(vc);
            var gs = arena.Output<float>(stacked);
            PagedF32Causal.WriteCache(newKeys: arena.Input<float>(newKeys), newValues: arena.Input<float>(newValues), keyCache: gk, valueCache: gv, batch: batch);
            PagedF32Causal.WriteCache(newKeys: arena.Input<float>(newKeys), newValues: arena.Input<float>(newValues), kvCache: gs, layout: KvCacheLayout.BlocksFirst, batch: batch);
            AssertSame(expectedK, gk, "key cache");
            AssertSame(expectedV, gv, "value cache");
            AssertSame(expectedStacked, gs, "stacked cache");
        }
    }

    /// <summary>Runs <paramref name="call"/> on managed arrays, then on guarded copies; the outputs must match bit for bit.</summary>
    private static void Compare<TQ, TKV>(
        GuardSide side, string label, TQ[] q, TKV[] k, TKV[] v, float[] sideInput, int outLength, int lseLength, BuiltBatch? built,
        SpanCall<TQ, TKV> call)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var expected = new TQ[outLength];
        var expectedLse = new float[lseLength];
        call(q, k, v, sideInput, expected, expectedLse, built?.Batch);
        var expectedNoLse = new TQ[outLength];
        call(q, k, v, sideInput, expectedNoLse, Span<float>.Empty, built?.Batch);

        using var arena = new GuardedArena(side);
        var batch = built is null ? null : Guard(arena, built);
        var gq = arena.Input<TQ>(q);
        var gk = arena.Input<TKV>(k);
        var gv = ReferenceEquals(k, v) ? gk : arena.Input<TKV>(v);
        var gs = arena.Input<float>(sideInput);
        var output = arena.Output<TQ>(new TQ[outLength]);
        var lse = arena.Output<float>(new float[lseLength]);
        call(gq, gk, gv, gs, output, lse, batch);
        AssertSame(expected, output, label + " output");
        AssertSame(expectedLse, lse, label + " lse");

        var outputNoLse = arena.Output<TQ>(new TQ[outLength]);
        call(gq, gk, gv, gs, outputNoLse, Span<float>.Empty, batch);
        AssertSame(expectedNoLse, outputNoLse, label + " output without lse");
    }

    /// <summary>The batch's metadata copied into guarded read-only memory (the kernel reads it through the batch).</summary>
    private static VarlenBatch Guard(GuardedArena arena, BuiltBatch built) =>
        built.BlockSize == 0
            ? VarlenBatch.Create(arena.Metadata(built.QueryStartLoc), arena.Metadata(built.SeqLens))
            : PagedBatch.Create(arena.Metadata(built.QueryStartLoc), arena.Metadata(built.SeqLens), arena.Metadata(built.BlockTable),
                built.MaxBlocks, arena.Metadata(built.SlotMapping));

    private static void AssertSame<T>(T[] expected, Span<T> actual, string what)
        where T : unmanaged
    {
        var a = MemoryMarshal.AsBytes(expected.AsSpan());
        var b = MemoryMarshal.AsBytes(actual);
        if (!a.SequenceEqual(b))
        {
            int i = 0;
            while (i < a.Length && a[i] == b[i]) i++;
            Assert.Fail($"{what}: guarded run differs from the managed run at byte {i} of {a.Length}.");
        }
    }

    private static (TQ[] Q, TKV[] K, TKV[] V) Draw<TQ, TKV>(int qLength, int kvLength, int seed)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var random = new Random(seed);
        var q = new TQ[qLength];
        var k = new TKV[kvLength];
        var v = new TKV[kvLength];
        for (int i = 0; i < q.Length; i++) q[i] = Num.FromDouble<TQ>(random.NextDouble() * 2 - 1);
        for (int i = 0; i < k.Length; i++) k[i] = Num.FromDouble<TKV>(random.NextDouble() * 2 - 1);
        for (int i = 0; i < v.Length; i++) v[i] = Num.FromDouble<TKV>(random.NextDouble() * 2 - 1);
        return (q, k, v);
    }

    private static float[] Floats(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
