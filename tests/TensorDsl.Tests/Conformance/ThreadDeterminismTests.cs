using System;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.Cpu;
using TensorDsl.Tests.Cpu.Parallel;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// docs/design.md and <see cref="AttentionOptions.ThreadCount"/>: results do not depend on the thread count. Generated
/// kernels of the catalogs — dense causal GQA, a sliding window, a mixed K/V type, score and mask lambdas with bias,
/// ALiBi and sinks, a paged mixed prefill + decode batch, long decodes that take the split-KV path, varlen token K/V,
/// run-time heads over block size 1 — run with 1, 2, 3 and 8 threads and must give bitwise identical outputs and LSE.
/// Each case is large enough (checked) that the driver hands work to other threads. Head slices of the split and
/// lambda cases (run on 3 threads) must equal the full single-threaded run bit for bit (docs/semantics.md §14).
/// </summary>
/// <remarks>ThreadCount is process-wide, so these tests run in <see cref="ProcessWideCollection"/> and restore it.</remarks>
[Collection(ProcessWideCollection.Name)]
public sealed class ThreadDeterminismTests
{
    private static readonly int[] ThreadCounts = { 1, 2, 3, 8 };

    /// <summary>Visible (row, key) pairs × 2·(D + Dv) flops must reach this, twice the driver's hand-off threshold.</summary>
    private static readonly long EnoughFlops = 2 * AttentionOptions.MinParallelFlops;

    public static TheoryData<string, int, int, int, int, int, int> Dense => new()
    {
        // kernel, B, Hq, Hkv, Sq, Sk, D
        { "F32.Bhsd.Causal", 1, 8, 2, 128, 128, 64 },        // dense causal GQA prefill
        { "F32.Bshd.WindowCausal", 2, 16, 4, 300, 300, 64 }, // sliding window
        { "F32.Bhsd.Sinks", 1, 8, 1, 1, 4096, 64 },          // one long decode: split-KV, sinks
        { "F16.Bhsd.Sinks", 2, 8, 2, 3, 2049, 64 },          // decodes of three rows: split-KV in Half
        { "F32.Bhsd.Everything", 1, 8, 2, 512, 512, 64 },    // mask and score lambdas, bias, ALiBi, softcap, sinks
        { "BF16.Bshd.MaskLambda", 1, 4, 4, 200, 200, 64 },   // a residual mask predicate
        { "Mix.F32.F16.Bshd.Gqa", 1, 32, 8, 64, 64, 128 },   // fp32 queries over a Half cache
        { "BF16.Bshd.MaskLambda", 1, 2, 2, 300, 300, 64 },   // no key bound: a 256-row block and a rest (512/256-bit)
        { "F32.Bhsd.Causal", 1, 4, 1, 1030, 1030, 32 },      // causal 256-row blocks: tiles skip the rows they miss
    };

    [Theory]
    [MemberData(nameof(Dense))]
    public void Dense_results_are_bitwise_identical_for_every_thread_count(string kernel, int b, int hq, int hkv, int sq, int sk, int d) =>
        DenseDeterminism((dynamic)KernelCatalog.Get(kernel), Cases.For("threads", kernel, b, hq, hkv, sq, sk, d, seed: sq + sk));

    private static void DenseDeterminism<TQ, TKV>(KernelEntry<TQ, TKV> entry, ConformanceCase c)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var x = DenseInputs(entry, c);
        long pairs = 0;
        for (int b = 0; b < c.B; b++)
        for (int h = 0; h < c.Hq; h++)
        for (int i = 0; i < c.Sq; i++)
        for (int j = 0; j < c.Sk; j++)
        {
            if (entry.Traits.Visible(b, h, c.Sk - c.Sq + i, j)) pairs++;
        }

        AssertLargeEnough(pairs, c.D, c.ToString());
        AssertSameForEveryThreadCount<TQ>(c.ToString(), c.B * c.Hq * c.Sq * c.D, c.B * c.Hq * c.Sq, (o, l) => entry.Run(x, o, l));
    }

    public static TheoryData<string, int[], int[], int, int, int> Varlen => new()
    {
        // kernel, query lengths, seq_lens, Hq, Hkv, D (the last three only for run-time-head kernels)
        { "PagedF16Sinks", new[] { 60, 1, 1, 17, 0 }, new[] { 60, 300, 1500, 200, 5 }, 0, 0, 0 }, // mixed prefill + decode, split decode
        { "PagedF32Causal", new[] { 1 }, new[] { 4096 }, 0, 0, 0 },                               // B = 1 long decode: split-KV
        { "PagedF32SeqMask", new[] { 128, 1, 64 }, new[] { 128, 2000, 300 }, 0, 0, 0 },           // a mask lambda reading the sequence
        { "VarlenF32Causal", new[] { 100, 1, 1 }, new[] { 100, 3000, 700 }, 0, 0, 0 },            // token K/V
        { "PagedBF16RuntimeHeadsAlibi", new[] { 1, 1 }, new[] { 2500, 1000 }, 16, 2, 64 },        // run-time heads, block size 1
    };

    [Theory]
    [MemberData(nameof(Varlen))]
    public void Varlen_and_paged_results_are_bitwise_identical_for_every_thread_count(string kernel, int[] q, int[] k, int hq, int hkv, int d) =>
        VarlenDeterminism((dynamic)VarlenPagedCatalog.Get(kernel), VarlenCaseOf(kernel, q, k, hq, hkv, d));

    private static VarlenCase VarlenCaseOf(string kernel, int[] q, int[] k, int hq, int hkv, int d)
    {
        var c = new VarlenCase("threads", kernel, q, k, Seed: q.Sum() + k.Sum());
        return hq == 0 ? c : c with { Hq = hq, Hkv = hkv, D = d };
    }

    private static void VarlenDeterminism<TQ, TKV>(VarlenEntry<TQ, TKV> entry, VarlenCase c)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var m = VarlenHarness.Materialize(entry, c);
        var x = m.Inputs;
        long pairs = 0;
        for (int b = 0; b < c.QueryLens.Length; b++)
        for (int h = 0; h < x.Hq; h++)
        for (int i = 0; i < c.QueryLens[b]; i++)
        for (int j = 0; j < c.SeqLens[b]; j++)
        {
            if (entry.Traits.Visible(b, h, c.SeqLens[b] - c.QueryLens[b] + i, j)) pairs++;
        }

        AssertLargeEnough(pairs, x.D, c.ToString());
        int tokens = m.Built.NumTokens;
        AssertSameForEveryThreadCount<TQ>(c.ToString(), tokens * x.Hq * x.D, x.Hq * tokens, (o, l) => entry.Run(x, o, l, null));
    }

    /// <summary>
    /// Callers on several threads at once (each with its own thread's job and scratch, sharing the pool's helpers) get
    /// exactly what the same calls give one at a time: a prefill and a split decode, four data sets, three threads each.
    /// </summary>
    [Fact]
    public void Concurrent_callers_get_the_results_of_sequential_calls()
    {
        var dense = (KernelEntry<float, float>)KernelCatalog.Get("F32.Bhsd.Causal");
        var paged = VarlenPagedCatalog.Get<float, float>("PagedF32Causal");
        var work = new List<(string Label, int OutLength, int LseLength, Action<float[], float[]> Run)>();
        for (int set = 0; set < 4; set++)
        {
            var c = Cases.For("concurrent", dense.Traits.Name, 1, 8, 2, 80, 80, 64, seed: 50 + set);
            var x = DenseInputs(dense, c);
            work.Add((c.ToString(), 8 * 80 * 64, 8 * 80, (o, l) => dense.Run(x, o, l)));
            var m = VarlenHarness.Materialize(paged, new VarlenCase("concurrent", paged.Name, new[] { 1, 2 }, new[] { 2000, 1000 }, 60 + set));
            work.Add((m.Bounds.ToString(), 3 * 8 * 64, 8 * 3, (o, l) => paged.Run(m.Inputs, o, l, null)));
        }

        int saved = AttentionOptions.ThreadCount;
        try
        {
            AttentionOptions.ThreadCount = 3;
            var expected = work.Select(w => Outputs(w.OutLength, w.LseLength, w.Run)).ToList();
            var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var threads = Enumerable.Range(0, 4).Select(t => new System.Threading.Thread(() =>
            {
                try
                {
                    for (int round = 0; round < 2; round++)
                    for (int n = 0; n < work.Count; n++)
                    {
                        int index = (n + t * 3 + round) % work.Count;
                        var (output, lse) = Outputs(work[index].OutLength, work[index].LseLength, work[index].Run);
                        if (!output.SequenceEqual(expected[index].Output) || !lse.SequenceEqual(expected[index].Lse))
                        {
                            failures.Enqueue($"thread {t}, round {round}: {work[index].Label} differs from the sequential call");
                        }
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue($"thread {t}: {e}");
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(120)), "a concurrent caller did not finish");
            Assert.Empty(failures);
        }
        finally
        {
            AttentionOptions.ThreadCount = saved;
        }

        static (byte[] Output, byte[] Lse) Outputs(int outLength, int lseLength, Action<float[], float[]> run)
        {
            var output = new float[outLength];
            var lse = new float[lseLength];
            run(output, lse);
            return (VarlenHarness.Bits(output), VarlenHarness.Bits(lse));
        }
    }

    // ---- Head slices of split and lambda cases ------------------------------------------------------------------------

    private delegate void DenseWithHeads<TQ, TKV>(KernelInputs<TQ, TKV> x, Span<TQ> output, Span<float> lse, HeadRange? heads)
        where TQ : unmanaged
        where TKV : unmanaged;

    /// <summary>Dense kernels' Run with its <c>heads</c> argument (the catalog's adapters do not pass one).</summary>
    private static readonly Dictionary<string, object> DenseSlices = new()
    {
        ["F32.Bhsd.Sinks"] = new DenseWithHeads<float, float>((x, o, l, heads) =>
            F32BhsdSinks.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l, heads: heads)),
        ["F16.Bhsd.Sinks"] = new DenseWithHeads<Half, Half>((x, o, l, heads) =>
            F16BhsdSinks.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l, heads: heads)),
        ["F32.Bhsd.Causal"] = new DenseWithHeads<float, float>((x, o, l, heads) =>
            F32BhsdCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l, heads: heads)),
        ["F32.Bhsd.Everything"] = new DenseWithHeads<float, float>((x, o, l, heads) =>
            F32BhsdEverything.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), slopes: x.Slopes, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l, heads: heads)),
    };

    public static TheoryData<string, int, int, int, int, int, int> DenseSliceCases => new()
    {
        { "F32.Bhsd.Sinks", 1, 8, 1, 1, 4096, 64 },   // split into 16 pieces
        { "F16.Bhsd.Sinks", 2, 8, 2, 3, 2049, 64 },   // split, two sequences
        { "F32.Bhsd.Causal", 1, 32, 4, 1, 1000, 16 }, // few-row blocks (dot products on wide vectors), split
        { "F32.Bhsd.Everything", 1, 8, 2, 64, 80, 32 }, // bias, ALiBi and sinks indexed by head
        { "F32.Bhsd.Causal", 1, 8, 2, 1030, 1030, 16 }, // 256-row blocks on the 512- and 256-bit paths
    };

    [Theory]
    [MemberData(nameof(DenseSliceCases))]
    public void Dense_head_slices_equal_the_full_run_bit_for_bit(string kernel, int b, int hq, int hkv, int sq, int sk, int d) =>
        DenseSlice((dynamic)KernelCatalog.Get(kernel), (dynamic)DenseSlices[kernel], Cases.For("slices", kernel, b, hq, hkv, sq, sk, d, seed: 3 * sk));

    private static void DenseSlice<TQ, TKV>(KernelEntry<TQ, TKV> entry, DenseWithHeads<TQ, TKV> run, ConformanceCase c)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var x = DenseInputs(entry, c);
        int g = c.Hq / c.Hkv;
        int outLength = c.B * c.Hq * c.Sq * c.D;
        HeadSlices<TQ>(c.ToString(), c.Hq, g, outLength, c.B * c.Hq * c.Sq, (o, l, heads) => run(x, o, l, heads),
            e => e / c.D % (c.Hq * c.Sq) / c.Sq, // Bhsd output [B, Hq, Sq, D]
            n => n % (c.Hq * c.Sq) / c.Sq);      // LSE [B, Hq, Sq]
    }

    public static TheoryData<string, int[], int[]> VarlenSliceCases => new()
    {
        { "PagedF32Causal", new[] { 1 }, new[] { 4096 } },
        { "PagedF16Sinks", new[] { 60, 1, 1, 17, 0 }, new[] { 60, 300, 1500, 200, 5 } },
        { "VarlenF32Causal", new[] { 2, 1 }, new[] { 1500, 700 } },
        { "PagedF32SeqMask", new[] { 3, 1 }, new[] { 900, 1300 } },
    };

    [Theory]
    [MemberData(nameof(VarlenSliceCases))]
    public void Split_kv_head_slices_equal_the_full_run_bit_for_bit(string kernel, int[] q, int[] k) =>
        VarlenSlice((dynamic)VarlenPagedCatalog.Get(kernel), new VarlenCase("slices", kernel, q, k, Seed: 11));

    private static void VarlenSlice<TQ, TKV>(VarlenEntry<TQ, TKV> entry, VarlenCase c)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var m = VarlenHarness.Materialize(entry, c);
        var x = m.Inputs;
        int tokens = m.Built.NumTokens;
        HeadSlices<TQ>(c.ToString(), x.Hq, x.Hq / x.Hkv, tokens * x.Hq * x.D, x.Hq * tokens, (o, l, heads) => entry.Run(x, o, l, heads),
            e => e / x.D % x.Hq, // output [T, Hq, D]
            n => n / tokens);    // LSE [Hq, T]
    }

    /// <summary>
    /// The full run on one thread, then slices (one head, a group straddled, the last heads, all but the first) on
    /// three: inside the slice every output and LSE element equals the full run's bits, outside it the sentinel.
    /// </summary>
    private static void HeadSlices<TQ>(string label, int hq, int g, int outLength, int lseLength, Action<TQ[], float[], HeadRange?> run,
        Func<int, int> outputHead, Func<int, int> lseHead)
        where TQ : unmanaged
    {
        int saved = AttentionOptions.ThreadCount;
        try
        {
            AttentionOptions.ThreadCount = 1;
            var full = new TQ[outLength];
            var fullLse = new float[lseLength];
            run(full, fullLse, null);

            AttentionOptions.ThreadCount = 3;
            var sentinel = Num.FromDouble<TQ>(4321.5);
            var ranges = new[] { new HeadRange(0, 1), new HeadRange(Math.Max(0, g / 2), Math.Min(g, hq - g / 2)), new HeadRange(hq - 1, 1), new HeadRange(1, hq - 1) };
            foreach (var range in ranges.Where(r => r.Count > 0).Distinct())
            {
                var output = VarlenHarness.Filled(outLength, sentinel);
                var lse = VarlenHarness.Filled(lseLength, 4321.5f);
                run(output, lse, range);
                var fullBits = VarlenHarness.Bits(full);
                var bits = VarlenHarness.Bits(output);
                var sentinelBits = VarlenHarness.Bits(new[] { sentinel });
                int size = sentinelBits.Length;
                for (int e = 0; e < outLength; e++)
                {
                    int h = outputHead(e);
                    bool inside = h >= range.Start && h < range.Start + range.Count;
                    var expected = inside ? fullBits.AsSpan(e * size, size) : sentinelBits;
                    if (!expected.SequenceEqual(bits.AsSpan(e * size, size)))
                    {
                        Assert.Fail($"{label} heads {range}: output element {e} (head {h}) {(inside ? "differs from the full run" : "outside the slice was written")}");
                    }
                }

                for (int n = 0; n < lseLength; n++)
                {
                    int h = lseHead(n);
                    bool inside = h >= range.Start && h < range.Start + range.Count;
                    bool same = inside ? BitConverter.SingleToInt32Bits(lse[n]) == BitConverter.SingleToInt32Bits(fullLse[n]) : lse[n] == 4321.5f;
                    if (!same) Assert.Fail($"{label} heads {range}: lse[{n}] = {lse[n]}, expected {(inside ? fullLse[n] : 4321.5f)}");
                }
            }
        }
        finally
        {
            AttentionOptions.ThreadCount = saved;
        }
    }

    // ---- Helpers ------------------------------------------------------------------------------------------------------

    /// <summary>The case's inputs, drawn and rounded exactly as the conformance harness does.</summary>
    private static KernelInputs<TQ, TKV> DenseInputs<TQ, TKV>(KernelEntry<TQ, TKV> entry, ConformanceCase c)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var raw = Harness.Draw(entry.Traits, c);
        return new KernelInputs<TQ, TKV>
        {
            B = c.B, Hq = c.Hq, Hkv = c.Hkv, Sq = c.Sq, Sk = c.Sk, D = c.D,
            Q = Num.FromDouble<TQ>(raw.Q), K = Num.FromDouble<TKV>(raw.K), V = Num.FromDouble<TKV>(raw.V),
            Bias = raw.Bias is null ? null : Num.ToArray(entry.Traits.BiasElement, raw.Bias),
            Slopes = raw.Slopes.Select(s => (float)s).ToArray(),
            Sinks = raw.Sinks.Select(s => (float)s).ToArray(),
        };
    }

    private static void AssertLargeEnough(long pairs, int d, string label)
    {
        long flops = pairs * 2 * (2L * d);
        Assert.True(flops >= EnoughFlops, $"{label}: {flops} flops is below {EnoughFlops}; the driver would not use other threads, so the case tests nothing");
    }

    /// <summary>Runs <paramref name="run"/> at every thread count and compares raw bits with the single-threaded run.</summary>
    private static void AssertSameForEveryThreadCount<TQ>(string label, int outLength, int lseLength, Action<TQ[], float[]> run)
        where TQ : unmanaged
    {
        int saved = AttentionOptions.ThreadCount;
        try
        {
            byte[]? first = null, firstLse = null;
            foreach (int threads in ThreadCounts)
            {
                AttentionOptions.ThreadCount = threads;
                var output = new TQ[outLength];
                var lse = new float[lseLength];
                run(output, lse);
                var bits = VarlenHarness.Bits(output);
                var lseBits = VarlenHarness.Bits(lse);
                if (first is null)
                {
                    first = bits;
                    firstLse = lseBits;
                    Assert.All(lse, x => Assert.True(float.IsFinite(x), $"{label}: every row sees a key and inputs are finite, yet an LSE is {x}"));
                    Assert.Contains(output, x => Num.ToDouble(x) != 0);
                    continue;
                }

                int at = Mismatch(first, bits);
                Assert.True(at < 0, $"{label}: output with {threads} threads differs from 1 thread at byte {at}");
                at = Mismatch(firstLse!, lseBits);
                Assert.True(at < 0, $"{label}: LSE with {threads} threads differs from 1 thread at byte {at}");
            }
        }
        finally
        {
            AttentionOptions.ThreadCount = saved;
        }
    }

    private static int Mismatch(byte[] a, byte[] b)
    {
        if (a.Length != b.Length) return 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i]) return i;
        }

        return -1;
    }
}
