using System;
using System.Collections.Generic;
using System.Linq;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// At least 240 random cases over every kernel whose heads and head size are given at run time (all element types, both
/// layouts, every mask and score feature): random B 1–3, Sq 1–40, Sk 0–70 (Sk = 0 and Sk &lt; Sq on purpose),
/// Hkv ∈ {1, 2, 4}, G ∈ {1, 2, 4, 8}, D ∈ {1, 3, 8, 16, 64, 80}. Kernels are taken round-robin so each gets
/// several cases; everything else comes from one seeded generator, so the list is the same on every run.
/// </summary>
public sealed class RandomCaseTests
{
    /// <summary>At least 240, and at least four per kernel.</summary>
    public static int Count => Math.Max(240, 4 * KernelCatalog.RuntimeDims.Count());

    private static readonly int[] KvHeads = { 1, 2, 4 };
    private static readonly int[] Groups = { 1, 2, 4, 8 };
    private static readonly int[] HeadSizes = { 1, 3, 8, 16, 64, 80 };
    private static readonly double[] DataScales = { 0.5, 1, 2, 4 };

    /// <summary>The cases by name; the theory gets only the name, so each row is one named, re-runnable test.</summary>
    internal static readonly IReadOnlyDictionary<string, ConformanceCase> ByName = Generate().ToDictionary(c => c.ToString());

    public static IEnumerable<object[]> Cases => ByName.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_agrees_with_Reference(string name)
    {
        var c = ByName[name];
        KernelCatalog.Get(c.Kernel).Check(c);
    }

    [Fact]
    public void The_random_cases_cover_what_they_claim()
    {
        var cases = ByName.Values.ToList();
        Assert.True(cases.Count >= 200);
        Assert.Contains(cases, c => c.Sk == 0);
        Assert.Contains(cases, c => c.Sk > 0 && c.Sk < c.Sq);
        Assert.Contains(cases, c => c.Sq == 1);
        foreach (var d in HeadSizes) Assert.Contains(cases, c => c.D == d);
        foreach (var g in Groups) Assert.Contains(cases, c => c.G == g);
        foreach (var hkv in KvHeads) Assert.Contains(cases, c => c.Hkv == hkv);
        var kernels = KernelCatalog.RuntimeDims.Select(k => k.Traits.Name).ToHashSet();
        Assert.Equal(kernels.OrderBy(x => x), cases.Select(c => c.Kernel).Distinct().OrderBy(x => x));
        foreach (var element in new[] { typeof(float), typeof(Half), typeof(BFloat16) })
            Assert.Contains(cases, c => KernelCatalog.Get(c.Kernel).Element == element);
    }

    private static IEnumerable<ConformanceCase> Generate()
    {
        var kernels = KernelCatalog.RuntimeDims.ToArray();
        var random = new Random(20250611);
        int count = Count;
        for (int n = 0; n < count; n++)
        {
            var kernel = kernels[n % kernels.Length];
            var t = kernel.Traits;
            int b = random.Next(1, 4);
            int sq = random.Next(1, 41);
            int sk = random.Next(10) switch
            {
                0 => 0,                                  // no keys at all
                1 or 2 => random.Next(0, sq),            // fewer keys than queries: leading rows may be empty
                _ => random.Next(0, 71),
            };
            int hkv = KvHeads[random.Next(KvHeads.Length)];
            int g = t.FixedG ?? Groups[random.Next(Groups.Length)];
            int d = t.ConstD ?? HeadSizes[random.Next(HeadSizes.Length)];
            double scale = DataScales[random.Next(DataScales.Length)];
            bool negInfBias = t.Bias != BiasShape.None && random.Next(4) == 0;

            // Keep the slow fp64 reference quick: at most ~4M multiply-adds per case.
            while ((long)b * hkv * g * sq * Math.Max(sk, 1) * d > 4_000_000 && sq > 1) sq = (sq + 1) / 2;

            yield return new ConformanceCase($"r{n:D3}", t.Name, b, hkv * g, hkv, sq, sk, d, Seed: 1000 + n)
            {
                DataScale = scale,
                BiasNegInfFraction = negInfBias ? 0.15 : 0,
            };
        }
    }
}
