using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Xunit.Abstractions;

namespace TensorDsl.Spyre.Tests;

/// <summary>
/// The step plan (docs/spyre.md#the-step-plan): a finite variant set fixed at start-up, every step served in ≤ 3 launches
/// from it, measured against the reference rule and the real 2D design on a documented family of batches.
/// </summary>
public class StepPlanTests(ITestOutputHelper output)
{
    private static readonly SpyreKernelSpec Family32x8 = new(32, 8, 128, 16, 1 / MathF.Sqrt(128), causal: true);

    private static (int, int)[] Decodes(int count, int maxKv, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (1, random.Next(16, maxKv + 1))).ToArray();
    }

    /// <summary>The family of docs/spyre.md#the-step-plan (Hq 32 / Hkv 8, D 128, block 16, causal).</summary>
    public static readonly (string Name, (int Q, int Kv)[] Batch)[] Family =
    {
        ("decode, 1 sequence (kv 1000)", new[] { (1, 1000) }),
        ("decode, 8 sequences (kv 77…2048)", BucketAndDesignTests.DecodeOnly),
        ("decode, 64 sequences (kv 16…8192)", Decodes(64, 8192, 64)),
        ("decode, 256 sequences (kv 16…8192)", Decodes(256, 8192, 256)),
        ("M1 of the benchmark (16 sequences, T 654)", BucketAndDesignTests.M1),
        ("900-token prefill + 20 decodes", new[] { (900, 900) }.Concat(Decodes(20, 4096, 20)).ToArray()),
        ("chunks (512, 4096), (512, 6144) + 30 decodes", new[] { (512, 4096), (512, 6144) }.Concat(Decodes(30, 8192, 30)).ToArray()),
        ("chunk (256, 8192) alone", new[] { (256, 8192) }),
        ("[(1,256),(2,128),(4,512)]", ConformanceTests.Batches[0]),
        ("[(1,256),(1,128),(1,512)]", ConformanceTests.Batches[1]),
        ("[(72,512),(1,256),(4,128)]", ConformanceTests.Batches[2]),
        ("[(100,512)]", ConformanceTests.Batches[6]),
        ("[(64,512)]", ConformanceTests.Batches[5]),
        ("[(32,256)]", ConformanceTests.Batches[4]),
    };

    [Fact]
    public void VariantsFollowTheDocumentedRule()
    {
        var plan = SpyreStepBuckets.Plan(maxNumSeqs: 256, maxModelLen: 8192, maxNumBatchedTokens: 2048);
        Assert.Equal(new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256 }, plan.BatchSizes);
        Assert.Equal(new[] { 1, 32, 64, 128, 256, 512, 1024, 2048 }, plan.QueryBuckets);
        Assert.Equal(new[] { 256, 512, 1024, 2048, 4096, 8192 }, plan.KvBuckets);
        // Decodes: 9 batch sizes × 6 KV lengths. Prefills: for Qp = 32 · 2^k, the batch sizes with B·Qp ≤ 4096 times the
        // KV lengths ≥ Qp: (8 + 7 + 6 + 5) × 6, then 4 × 5, 3 × 4 and 2 × 3 at Qp 512, 1024, 2048.
        Assert.Equal(54 + 26 * 6 + 20 + 12 + 6, plan.Count);
        Assert.Equal(plan.Count, plan.Variants.Distinct().Count());
        Assert.All(plan.Variants, v => Assert.True(plan.Contains(v)));
        Assert.Contains(new SpyreVariant(256, 1, 8192), plan.Variants);
        Assert.Contains(new SpyreVariant(2, 2048, 2048), plan.Variants);
        Assert.DoesNotContain(new SpyreVariant(4, 2048, 2048), plan.Variants);  // 8192 padded tokens > 2 × 2048
        Assert.DoesNotContain(new SpyreVariant(1, 512, 256), plan.Variants);    // a query longer than its context
        output.WriteLine(plan.ToString());
        output.WriteLine(SpyreStepBuckets.Plan(32, 4096, 2048).ToString());
    }

    [Fact]
    public void FamilyMeetsTheTargets()
    {
        var plan = SpyreStepBuckets.Plan(256, 8192, 2048);
        var small = SpyreStepBuckets.Plan(32, 4096, 2048);
        Assert.True(plan.Count <= 256, plan.ToString());
        var table = new StringBuilder();
        table.Append("| batch | reference rule | 2D design (before 242da3b) | step plan |\n| --- | --- | --- | --- |\n");
        double logSum = 0;
        foreach (var (name, batch) in Family)
        {
            var q = batch.Select(s => s.Q).ToArray();
            var kv = batch.Select(s => s.Kv).ToArray();
            var reference = SpyreDesignComparison.FourD(Family32x8, q, kv);
            var twoD = SpyreDesignComparison.TwoD(Family32x8, q, kv);
            var step = SpyreDesignComparison.Step(Family32x8, plan, q, kv);
            table.Append(CultureInfo.InvariantCulture, $"| {name} | {Cell(reference)} | {Cell(twoD)} | {Cell(step)} |\n");
            Assert.True(step.Launches is >= 1 and <= SpyreStepBuckets.MaxLaunches, name);
            Assert.True(step.Waste <= reference.Waste * (1 + 1e-12), $"{name}: step plan {step.Waste:F2}× vs reference {reference.Waste:F2}×");
            Assert.Equal(reference.FlopsUseful, step.FlopsUseful);
            logSum += Math.Log(step.Waste);
        }

        double geomean = Math.Exp(logSum / Family.Length);
        table.Append(CultureInfo.InvariantCulture, $"\nWaste geometric mean of the step plan over the {Family.Length} batches: **{geomean:F2}×**. ");
        table.Append(CultureInfo.InvariantCulture, $"Variants: **{plan.Count}** for max_num_seqs 256 / max_model_len 8192, **{small.Count}** for 32 / 4096 (max_num_batched_tokens 2048); ");
        table.Append(CultureInfo.InvariantCulture, $"the reference rule's reachable shapes: {SpyreBucketing.Reference.Plan(256, 8192).Count:N0} and {SpyreBucketing.Reference.Plan(32, 4096).Count:N0}; the 2D design's: {SpyreDesignComparison.TwoDVariants(8192)} and {SpyreDesignComparison.TwoDVariants(4096)}.");
        output.WriteLine(table.ToString());
        Assert.True(geomean <= 3, $"geomean {geomean}");
        DocTables.Check("step-family", table.ToString());
    }

    private static string Cell(SpyreBatchCost cost) => string.Create(CultureInfo.InvariantCulture, $"{cost.Launches} · {cost.Waste:F2}× · {Bytes(cost.BytesToDevice)}");

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KiB"),
    };

    [Fact]
    public void EveryStepWithinTheLimitsIsServedInThreeLaunches()
    {
        var plan = SpyreStepBuckets.Plan(256, 8192, 2048);
        // Every batch of equal prompts that fits the token budget (the hardest case for padded B·Qp), then random steps
        // under several serving limits (one not a power of two).
        for (int q = 2; q <= 2048; q++)
        {
            for (int n = 1; n <= 256 && n * q <= 2048; n++)
            {
                var schedule = plan.Schedule(Enumerable.Repeat(q, n).ToArray(), Enumerable.Repeat(q, n).ToArray());
                Assert.True(schedule.Count <= 3 && schedule.Sum(l => l.Sequences.Length) == n, $"{n} × {q}");
            }
        }

        var random = new Random(15);
        var limits = new[] { (256, 8192, 2048), (32, 4096, 2048), (8, 1024, 256), (100, 5000, 3000), (256, 32768, 8192) };
        for (int trial = 0; trial < 5000; trial++)
        {
            var (seqs, len, budget) = limits[trial % limits.Length];
            plan = SpyreStepBuckets.Plan(seqs, len, budget);
            var (q, kv) = trial % 2 == 0 ? RandomStep(random, seqs, len, budget) : RandomPrefills(random, seqs, len, budget);
            IReadOnlyList<SpyreLaunch> schedule;
            try
            {
                schedule = plan.Schedule(q, kv);
            }
            catch (ShapeException e)
            {
                throw new Xunit.Sdk.XunitException($"limits ({seqs}, {len}, {budget}), step [{string.Join(", ", q.Zip(kv))}]: {e.Message}");
            }

            Assert.True(schedule.Count <= 3);
            Assert.Equal(Enumerable.Range(0, q.Length).Where(s => q[s] > 0), schedule.SelectMany(l => l.Sequences).OrderBy(s => s));
            foreach (var launch in schedule)
            {
                Assert.Contains(launch.Variant, plan.Variants);
                Assert.True(launch.Sequences.Length <= launch.Variant.Batch);
                Assert.All(launch.Sequences, s => Assert.True(q[s] <= launch.Variant.Qp && kv[s] <= launch.Variant.L));
            }
        }
    }

    /// <summary>A vLLM-like step: some decodes, then prefill chunks while the token budget lasts.</summary>
    public static (int[] Q, int[] Kv) RandomStep(Random random, int maxSeqs, int maxLen, int budget)
    {
        var q = new List<int>();
        var kv = new List<int>();
        int decodes = random.Next(0, Math.Min(maxSeqs, budget));
        for (int i = 0; i < decodes; i++)
        {
            q.Add(1);
            kv.Add(random.Next(1, maxLen + 1));
        }

        int tokens = decodes;
        while (tokens < budget && q.Count < maxSeqs && (q.Count == 0 || random.NextDouble() < 0.8))
        {
            int length = Math.Min(budget - tokens, (int)Math.Pow(2, random.NextDouble() * Math.Log2(Math.Min(budget, maxLen))) + random.Next(2));
            length = Math.Max(1, length);
            q.Add(length);
            kv.Add(random.Next(length, maxLen + 1));
            tokens += length;
        }

        return (q.ToArray(), kv.ToArray());
    }

    /// <summary>Prefills only (log-uniform lengths, sometimes capped lower) until the token budget or the sequences run out.</summary>
    public static (int[] Q, int[] Kv) RandomPrefills(Random random, int maxSeqs, int maxLen, int budget)
    {
        var q = new List<int>();
        var kv = new List<int>();
        int tokens = 0, shift = random.Next(0, 3);
        while (q.Count < maxSeqs && tokens < budget)
        {
            int most = Math.Min(budget - tokens, maxLen);
            int length = Math.Clamp((int)Math.Pow(2, random.NextDouble() * Math.Log2(Math.Max(2, most >> shift))), 1, most);
            q.Add(length);
            kv.Add(random.Next(length, maxLen + 1));
            tokens += length;
        }

        return (q.ToArray(), kv.ToArray());
    }

    [Fact]
    public void AStepBeyondTheLimitsNamesTheLimit()
    {
        var plan = SpyreStepBuckets.Plan(4, 512, 64);
        var tooMany = Assert.Throws<ShapeException>(() => plan.Schedule(new[] { 1, 1, 1, 1, 1 }, new[] { 9, 9, 9, 9, 9 }));
        Assert.Equal("seqLens", tooMany.Parameter);
        Assert.Contains("max_num_seqs 4", tooMany.Message);
        var tooLong = Assert.Throws<ShapeException>(() => plan.Schedule(new[] { 1 }, new[] { 513 }));
        Assert.Contains("max_model_len 512", tooLong.Message);
        var tooManyTokens = Assert.Throws<ShapeException>(() => plan.Schedule(new[] { 40, 30 }, new[] { 100, 100 }));
        Assert.Equal("queryStartLoc", tooManyTokens.Parameter);
        Assert.Contains("max_num_batched_tokens 64", tooManyTokens.Message);
        Assert.Empty(plan.Schedule(new[] { 0, 0 }, new[] { 5, 7 }));
    }

    [Fact]
    public void MixedStepsSplitDecodesFromPrefills()
    {
        var plan = SpyreStepBuckets.Plan(256, 8192, 2048);
        // One 900-token prefill and 20 decodes: the decodes stop paying for 1024 query rows.
        var step = plan.Schedule(new[] { 900 }.Concat(Enumerable.Repeat(1, 20)).ToArray(), new[] { 900 }.Concat(Enumerable.Range(0, 20).Select(i => 100 + 50 * i)).ToArray());
        Assert.Contains(step, l => l.Variant == new SpyreVariant(1, 1024, 1024) && l.Sequences.SequenceEqual(new[] { 0 }));
        Assert.All(step.Where(l => !l.Sequences.Contains(0)), l => Assert.Equal(1, l.Variant.Qp));
    }
}
