using System;
using System.Collections.Generic;
using System.Linq;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// Run vs Reference for every varlen/paged kernel over vLLM-shaped batches (query lengths and seq_lens, Lk ≥ Lq, rows
/// bottom-right aligned): all-decode, all-prefill, mixed (prefill + chunked prefill + decodes), sequences with query
/// length 0 and KV length 0, the empty batch; vLLM's own (1, 1328), (5, 18), (129, 463) set on a few kernels; and at
/// least 50 random batches. Paged cases also check both stacked-cache overloads bit for bit (see <see cref="VarlenHarness"/>).
/// </summary>
public sealed class VarlenPagedCaseTests
{
    /// <summary>(label, query lengths, seq_lens) run on every kernel. Kept short: the scalar fp64 oracle is the cost.</summary>
    private static readonly (string Label, int[] Q, int[] K)[] Shapes =
    {
        ("decode", new[] { 1, 1, 1, 1 }, new[] { 37, 300, 1, 129 }),
        ("prefill", new[] { 7, 33, 1, 16 }, new[] { 7, 33, 1, 16 }),
        ("mixed", new[] { 20, 16, 1, 1, 1 }, new[] { 20, 90, 45, 17, 64 }),
        ("query-length-0", new[] { 0, 3, 0, 1 }, new[] { 12, 3, 0, 40 }),
        ("empty-batch", Array.Empty<int>(), Array.Empty<int>()),
    };

    /// <summary>The vLLM test set, on one kernel per element type plus the heavier features.</summary>
    private static readonly string[] VllmSetKernels =
    {
        "PagedF32Causal", "PagedF16Sinks", "PagedBF16Alibi", "PagedF32Gemma", "PagedF32RuntimeHeadsCausal",
    };

    internal static readonly IReadOnlyDictionary<string, VarlenCase> ByName = Generate().ToDictionary(c => c.ToString());

    public static IEnumerable<object[]> Cases => ByName.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_agrees_with_Reference(string name)
    {
        var c = ByName[name];
        VarlenPagedCatalog.Get(c.Kernel).Check(c);
    }

    [Fact]
    public void The_cases_cover_what_they_claim()
    {
        var cases = ByName.Values.ToList();
        var kernels = VarlenPagedCatalog.All.ToList();
        foreach (var k in kernels) Assert.Contains(cases, c => c.Kernel == k.Name);
        foreach (var element in new[] { typeof(float), typeof(Half), typeof(BFloat16) })
            Assert.Contains(kernels, k => k.IsPaged && k.Element == element);
        foreach (int bs in new[] { 1, 16, 32, 128 }) Assert.Contains(kernels, k => k.BlockSize == bs);
        foreach (int g in new[] { 1, 2, 4, 8 }) Assert.Contains(kernels, k => k.Traits.ConstHq / k.Traits.ConstHkv == g);
        foreach (int d in new[] { 64, 128 }) Assert.Contains(kernels, k => k.Traits.ConstD == d);
        Assert.Contains(kernels, k => k.Traits.HasRuntimeHeads);
        Assert.True(cases.Count(c => c.Label.StartsWith("random", StringComparison.Ordinal)) >= 50);
        Assert.Contains(cases, c => c.QueryLens.Length == 0);
        Assert.Contains(cases, c => c.QueryLens.Contains(0));
        Assert.Contains(cases, c => c.SeqLens.Contains(1328));
    }

    private static IEnumerable<VarlenCase> Generate()
    {
        int seed = 1000;
        foreach (var kernel in VarlenPagedCatalog.All)
        {
            foreach (var (label, q, k) in Shapes)
            {
                yield return new VarlenCase(label, kernel.Name, q, k, seed++) with { Hq = 8, Hkv = 2, D = 64 };
            }
        }

        foreach (var name in VllmSetKernels)
        {
            yield return new VarlenCase("vllm-set", name, new[] { 1, 5, 129 }, new[] { 1328, 18, 463 }, seed++) with { Hq = 4, Hkv = 1, D = 128 };
        }

        // Long context decode, few of them: a 4096-token window-free decode and a sliding-window one.
        yield return new VarlenCase("long-decode", "PagedF32Causal", new[] { 1, 1 }, new[] { 4096, 2500 }, seed++);
        yield return new VarlenCase("long-decode", "PagedBF16GptOss", new[] { 1, 1, 1 }, new[] { 3000, 9, 700 }, seed++);

        foreach (var c in Random(60)) yield return c;
    }

    /// <summary>Random batches: random kernel (hence block size, ratio, dtype, features), B 1–6, each sequence a decode, a prefill, a chunked prefill or idle.</summary>
    private static IEnumerable<VarlenCase> Random(int count)
    {
        var kernels = VarlenPagedCatalog.All.ToArray();
        var random = new Random(20250701);
        for (int n = 0; n < count; n++)
        {
            var kernel = kernels[random.Next(kernels.Length)];
            int batch = random.Next(1, 7);
            var q = new int[batch];
            var k = new int[batch];
            for (int b = 0; b < batch; b++)
            {
                switch (random.Next(5))
                {
                    case 0: case 1: k[b] = random.Next(1, 160); q[b] = 1; break;                       // decode
                    case 2: k[b] = random.Next(1, 40); q[b] = k[b]; break;                              // prefill
                    case 3: k[b] = random.Next(2, 120); q[b] = random.Next(1, Math.Min(k[b], 24) + 1); break; // chunked prefill
                    default: k[b] = random.Next(0, 50); q[b] = 0; break;                               // idle in this step
                }
            }

            int g = new[] { 1, 2, 4, 8 }[random.Next(4)];
            int hkv = new[] { 1, 2 }[random.Next(2)];
            int d = new[] { 16, 64, 128 }[random.Next(3)];
            yield return new VarlenCase($"random{n}", kernel.Name, q, k, 5000 + n)
            {
                Hq = g * hkv, Hkv = hkv, D = d, ExtraBlocks = random.Next(0, 6), PaddingEntries = random.Next(0, 4),
                DataScale = new[] { 0.5, 1, 2, 4 }[random.Next(4)],
            };
        }
    }
}
