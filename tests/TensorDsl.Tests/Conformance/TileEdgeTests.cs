using System;
using System.Collections.Generic;
using System.Linq;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// Lengths and head sizes at the edges of the SIMD kernel's tiles, against the reference engine. Keys come in tiles of
/// 32 and query rows in blocks of up to 64 (one vector of 16, 8 or 4 lanes or several), so every query length Sq and
/// key length Sk is taken from 1, 31, 32, 33, 63, 64, 65, 127, 129 and the primes 7, 61, 97, 131 — all 169 pairs — with
/// G = Hq/Hkv in {1, 4, 8} (blocks of 64, 16 or 8 positions; few-row blocks take the dot-product path on wide vectors)
/// and head sizes 1, 15, 16, 17, 64, 128 (below, at and past a vector; value rows padded to whole vectors). Dense
/// kernels of every element type and layout with run-time sizes, and varlen/paged batches of such lengths on the
/// run-time-head kernels.
/// </summary>
public sealed class TileEdgeTests
{
    private static readonly int[] Lengths = { 1, 31, 32, 33, 63, 64, 65, 127, 129, 7, 61, 97, 131 };
    private static readonly int[] Groups = { 1, 4, 8 };
    private static readonly int[] HeadSizes = { 1, 15, 16, 17, 64, 128 };

    /// <summary>Kernels with every size given at run time: each element type, both layouts, a mixed K/V type, masks and score steps.</summary>
    private static readonly string[] DenseKernels =
    {
        "F32.Bhsd.Causal", "F32.Bshd.Plain", "F16.Bhsd.Plain", "BF16.Bhsd.Causal", "F32.Bhsd.Sinks", "F32.Bhsd.MaskLambda",
        "F16.Bshd.WindowCausal", "F32.Bhsd.Softcap", "Mix.F32.F16.Bshd.Causal", "F32.Bhsd.Alibi", "F32.Bshd.Chunked",
        "BF16.Bshd.Sinks", "F16.Bhsd.Causal",
    };

    private static readonly string[] VarlenKernels =
    {
        "PagedF32RuntimeHeadsCausal", "PagedF16RuntimeHeadsGptOss", "PagedBF16RuntimeHeadsAlibi", "VarlenF32RuntimeHeadsCausal",
        "PagedMixF32F16RuntimeHeads",
    };

    /// <summary>Keeps a case's fp64 reference quick: at most this many multiply-adds (the head size steps down to fit).</summary>
    private const long MaxMacs = 3_000_000;

    internal static readonly IReadOnlyDictionary<string, ConformanceCase> DenseByName = GenerateDense().ToDictionary(c => c.ToString());

    internal static readonly IReadOnlyDictionary<string, VarlenCase> VarlenByName = GenerateVarlen().ToDictionary(c => c.ToString());

    public static IEnumerable<object[]> DenseCases => DenseByName.Keys.Select(name => new object[] { name });

    public static IEnumerable<object[]> VarlenCases => VarlenByName.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(DenseCases))]
    public void Dense_tile_edges_agree_with_Reference(string name)
    {
        var c = DenseByName[name];
        var r = KernelCatalog.Get(c.Kernel).Check(c);
        foreach (var (b, h, i) in r.Rows())
        {
            if (r.VisibleCount(b, h, i) > 0) Cases.AssertLiveRow(r, b, h, i);
        }
    }

    [Theory]
    [MemberData(nameof(VarlenCases))]
    public void Varlen_tile_edges_agree_with_Reference(string name)
    {
        var c = VarlenByName[name];
        VarlenPagedCatalog.Get(c.Kernel).Check(c);
    }

    [Fact]
    public void The_cases_cover_what_they_claim()
    {
        var dense = DenseByName.Values.ToList();
        foreach (int sq in Lengths)
        foreach (int sk in Lengths)
            Assert.Contains(dense, c => c.Sq == sq && c.Sk == sk);
        foreach (int g in Groups)
        foreach (int d in HeadSizes)
            Assert.Contains(dense, c => c.G == g && c.D == d);
        foreach (var kernel in DenseKernels) Assert.Contains(dense, c => c.Kernel == kernel);
        foreach (var element in new[] { typeof(float), typeof(Half), typeof(BFloat16) })
            Assert.Contains(dense, c => KernelCatalog.Get(c.Kernel).Element == element);

        var varlen = VarlenByName.Values.ToList();
        foreach (var kernel in VarlenKernels) Assert.Contains(varlen, c => c.Kernel == kernel);
        foreach (int length in Lengths)
        {
            Assert.Contains(varlen, c => c.QueryLens.Contains(length));
            Assert.Contains(varlen, c => c.SeqLens.Contains(length));
        }

        foreach (int g in Groups) Assert.Contains(varlen, c => c.Hq / c.Hkv == g);
        foreach (int d in HeadSizes) Assert.Contains(varlen, c => c.D == d);
    }

    private static IEnumerable<ConformanceCase> GenerateDense()
    {
        int n = 0;
        foreach (int sq in Lengths)
        foreach (int sk in Lengths)
        {
            // Strides co-prime with the list lengths, so kernel, G and D vary independently across the pairs.
            var kernel = DenseKernels[(n * 5) % DenseKernels.Length];
            int g = Groups[n % Groups.Length];
            int hkv = n % 7 == 0 ? 2 : 1;
            int d = HeadSizes[(n / 3 + n) % HeadSizes.Length];
            yield return Fit($"edge{n:D3}", kernel, hkv, g, sq, sk, d, seed: 300 + n);
            n++;
        }

        // Every head size with every G on a shape with a partial key tile and a partial row block.
        foreach (int g in Groups)
        foreach (int d in HeadSizes)
        {
            yield return Fit($"edge{n:D3}", DenseKernels[n % DenseKernels.Length], 1, g, 33, 65, d, seed: 300 + n);
            n++;
        }
    }

    private static ConformanceCase Fit(string label, string kernel, int hkv, int g, int sq, int sk, int d, int seed)
    {
        // Step the head size down until the reference's work fits (large shapes still get D ≥ 15 or so).
        int index = Array.IndexOf(HeadSizes, d);
        while (index > 0 && (long)hkv * g * sq * sk * HeadSizes[index] > MaxMacs) index--;
        return new ConformanceCase(label, kernel, 1, hkv * g, hkv, sq, sk, HeadSizes[index], seed);
    }

    private static IEnumerable<VarlenCase> GenerateVarlen()
    {
        int count = Lengths.Length;
        for (int n = 0; n < 2 * count; n++)
        {
            // Three sequences: a prefill of one listed length, a decode, and a chunked prefill whose KV length is the sum
            // of two listed lengths; every length of the list appears as a query length and as a KV length.
            int a = Lengths[n % count], b = Lengths[(n + 5) % count], c = Lengths[(n + 9) % count];
            var q = n < count ? new[] { a, 1, c } : new[] { a, 1, 0 };
            var k = n < count ? new[] { a, b, c + b } : new[] { a, b, 0 };
            int g = Groups[n % Groups.Length];
            int hkv = n % 4 == 3 ? 2 : 1;
            int d = HeadSizes[(n * 5 + n / 6) % HeadSizes.Length];
            yield return new VarlenCase($"edge{n:D2}", VarlenKernels[n % VarlenKernels.Length], q, k, 700 + n)
            {
                Hq = g * hkv, Hkv = hkv, D = d, ExtraBlocks = n % 3, PaddingEntries = n % 2,
            };
        }
    }
}
