using System;
using System.Linq;
using CsCheck;
using TensorDsl.Tests.Conformance;

namespace TensorDsl.Tests.Reliability;

/// <summary>
/// Property-based conformance with shrinking (CsCheck): a random dense case — any catalog kernel (so every layout,
/// mask, score step, side input and element type pairing it declares), B, Hkv, GQA ratio, Sq, Sk (fewer keys than
/// queries included), D, data scale and seed — goes through the full harness (Run on this process's vector path
/// against Reference, docs/testing.md "Tolerances"). On a failure CsCheck shrinks the case toward small sizes and
/// reports it with the seed that regenerates it (set CsCheck_Seed to replay). CsCheck_Iter overrides the count.
/// </summary>
public sealed class PropertyConformanceTests
{
    private static readonly KernelEntry[] Kernels = KernelCatalog.AllKernels.ToArray();
    private static readonly int[] Groups = { 1, 2, 4, 8 };
    private static readonly int[] HeadSizes = { 1, 3, 8, 16, 17, 64 };

    internal static readonly Gen<ConformanceCase> Cases =
        Gen.Select(Gen.Int[0, Kernels.Length - 1], Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 48], Gen.Int[0, 80], Gen.Int[0, HeadSizes.Length - 1], Gen.Int[0, 1 << 20])
            .Select(Gen.Int[0, 3], (x, scale) =>
            {
                var (kernel, b, hkvChoice, g, sq, sk, d, seed) = x;
                var t = Kernels[kernel].Traits;
                int[] divisors = t.ConstHq is int cq ? new[] { 1, 2, 4, 8 }.Where(x => cq % x == 0).ToArray() : new[] { 1, 2, 4 };
                int hkv = t.ConstHkv ?? divisors[hkvChoice % divisors.Length];
                int hq = t.ConstHq ?? hkv * (t.FixedG ?? Groups[g]);
                int dim = t.ConstD ?? HeadSizes[d];
                // Keep the fp64 reference quick: at most ~2M multiply-adds per case.
                while ((long)b * hq * sq * Math.Max(sk, 1) * dim > 2_000_000 && sq > 1) sq = (sq + 1) / 2;
                while ((long)b * hq * sq * Math.Max(sk, 1) * dim > 2_000_000 && sk > 1) sk = (sk + 1) / 2;
                return new ConformanceCase("prop", t.Name, b, hq, hkv, sq, sk, dim, seed) { DataScale = new[] { 0.5, 1, 2, 4 }[scale] };
            })
            .Where(Fits);

    private static bool Fits(ConformanceCase c)
    {
        var t = KernelCatalog.Get(c.Kernel).Traits;
        return (t.ConstHq is null || t.ConstHq == c.Hq) && (t.ConstHkv is null || t.ConstHkv == c.Hkv) && (t.ConstD is null || t.ConstD == c.D)
            && (t.FixedG is null || t.FixedG * c.Hkv == c.Hq) && c.Hkv > 0 && c.Hq % c.Hkv == 0;
    }

    private static readonly VarlenEntry[] Batched = VarlenPagedCatalog.All.ToArray();

    /// <summary>
    /// A random varlen or paged batch: any catalog kernel (float, Half, BFloat16, mixed K/V; block sizes 1–128), 0–6
    /// sequences each a decode, prefill, chunked prefill or idle step, random GQA ratio, Hkv and D (used by the
    /// run-time-head kernels), spare blocks, padding entries and data scale. Shrinks toward fewer, shorter sequences.
    /// </summary>
    internal static readonly Gen<VarlenCase> BatchCases =
        Gen.Select(Gen.Int[0, Batched.Length - 1], Gen.Select(Gen.Int[0, 4], Gen.Int[0, 159], Gen.Int[0, 23]).Array[0, 6], Gen.Int[0, 3], Gen.Int[0, 1], Gen.Int[0, 2], Gen.Int[0, 5], Gen.Int[0, 3], Gen.Int[0, 1 << 20])
            .Select(Gen.Int[0, 3], (x, scale) =>
            {
                var (kernel, sequences, g, hkv, d, extra, padding, seed) = x;
                var q = new int[sequences.Length];
                var k = new int[sequences.Length];
                for (int b = 0; b < sequences.Length; b++)
                {
                    var (kind, a, c) = sequences[b];
                    switch (kind)
                    {
                        case 0: k[b] = 1 + a; q[b] = 1; break;                                  // decode
                        case 1: k[b] = 1 + a % 40; q[b] = k[b]; break;                          // prefill
                        case 2: k[b] = 2 + a % 118; q[b] = 1 + c % Math.Min(k[b], 24); break;   // chunked prefill
                        default: k[b] = a % 50; q[b] = 0; break;                                // idle
                    }
                }

                int hkvs = new[] { 1, 2 }[hkv];
                return new VarlenCase("prop", Batched[kernel].Name, q, k, seed)
                {
                    Hq = new[] { 1, 2, 4, 8 }[g] * hkvs, Hkv = hkvs, D = new[] { 16, 64, 128 }[d], ExtraBlocks = extra, PaddingEntries = padding,
                    DataScale = new[] { 0.5, 1, 2, 4 }[scale],
                };
            });

    private static int Iterations(int fallback) => int.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), out int n) ? n : fallback;

    [Fact]
    public void Random_dense_cases_agree_with_Reference() =>
        Cases.Sample(c => KernelCatalog.Get(c.Kernel).Check(c), iter: Iterations(200), threads: 1, print: c => c.ToString());

    [Fact]
    public void Random_varlen_and_paged_batches_agree_with_Reference() =>
        BatchCases.Sample(c => VarlenPagedCatalog.Get(c.Kernel).Check(c), iter: Iterations(100), threads: 1, print: c => c.ToString());

    /// <summary>
    /// The shrinking works on these generators: a property that fails whenever Sq ≥ 5 and Sk ≥ 7 is reported after at
    /// least one shrink, with a failing case no larger than the 48 × 80 the generator can draw (CsCheck shrinks by
    /// searching for smaller failing samples, so the reported case is small but not necessarily the boundary).
    /// </summary>
    [Fact]
    public void A_failure_is_shrunk_toward_the_smallest_failing_case()
    {
        var e = Assert.ThrowsAny<Exception>(() =>
            Cases.Sample(c => { if (c.Sq >= 5 && c.Sk >= 7) throw new InvalidOperationException("planted"); }, iter: 2000, threads: 1, seed: "0N0XIzNsQ0O2", print: c => c.ToString()));
        var match = System.Text.RegularExpressions.Regex.Match(e.Message, @" Sq(\d+) Sk(\d+) ");
        Assert.True(match.Success, e.Message);
        int sq = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), sk = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(sq >= 5 && sk >= 7, $"the reported case does not fail: {e.Message}");
        var shrinks = System.Text.RegularExpressions.Regex.Match(e.Message, @"\((\d+) shrinks");
        Assert.True(shrinks.Success && int.Parse(shrinks.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, $"not shrunk: {e.Message}");
    }
}
