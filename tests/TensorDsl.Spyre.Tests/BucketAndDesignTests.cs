using System;
using System.Linq;
using Xunit.Abstractions;

namespace TensorDsl.Spyre.Tests;

/// <summary>
/// Bucket plans, the 2D design the 4D program replaces (counted, not asserted), the fp16 overflow of the reference design's
/// score order, and this target's smaller buckets — side by side on the issue's batches (docs/spyre.md).
/// </summary>
public class BucketAndDesignTests(ITestOutputHelper output)
{
    /// <summary>M1 of the benchmark (docs/benchmarks.md): a 512-token prefill, a 128-token chunk on 1024, 14 decodes.</summary>
    public static readonly (int Q, int Kv)[] M1 = new[] { (512, 512), (128, 1024) }
        .Concat(new[] { 498, 4027, 3279, 3146, 3796, 1710, 3126, 1283, 1591, 676, 3914, 437, 1108, 3300 }.Select(kv => (1, kv))).ToArray();

    public static readonly (int Q, int Kv)[] DecodeOnly = new[] { 300, 1200, 77, 2048, 640, 513, 900, 1500 }.Select(kv => (1, kv)).ToArray();

    [Fact]
    public void ReferencePlanCountsEveryReachableShape()
    {
        var plan = SpyreBucketing.Reference.Plan(maxNumSeqs: 4, maxModelLen: 512);
        Assert.Equal(new[] { 1, 2, 3, 4 }, plan.BatchSizes);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => 32 * i), plan.QueryBuckets);
        Assert.Equal(new[] { 256, 512 }, plan.KvBuckets);
        // Qp 32…256 pair with L 256 and 512; Qp 288…512 only with L 512: 4 × (8·2 + 8).
        Assert.Equal(96, plan.Count);
        Assert.Equal(plan.Count, plan.Variants.LongCount());
        Assert.Contains(new SpyreVariant(3, 64, 256), plan.Variants);
        Assert.DoesNotContain(new SpyreVariant(3, 288, 256), plan.Variants);
    }

    [Fact]
    public void PaddingRules()
    {
        var reference = SpyreBucketing.Reference;
        Assert.Equal((32, 32, 64, 256, 256, 512, 5), (reference.PadQuery(1), reference.PadQuery(32), reference.PadQuery(33), reference.PadKv(1), reference.PadKv(256), reference.PadKv(257), reference.PadBatch(5)));
        var improved = SpyreBucketing.Improved;
        Assert.Equal((1, 8, 8, 32, 64, 128, 384, 8), (improved.PadQuery(1), improved.PadQuery(2), improved.PadQuery(8), improved.PadQuery(9), improved.PadQuery(33), improved.PadKv(100), improved.PadKv(257), improved.PadBatch(5)));
        Assert.Throws<ArgumentException>(() => new SpyreBucketing(256, 32, new[] { 40 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpyreBucketing(0));
    }

    [Fact]
    public void TheReferenceOrderOverflowsIeeeFp16AndOursDoesNot()
    {
        // |q·k| = 128 · 30 · 30 = 115200 > 65504: q @ kᵀ in fp16 is ±inf before the scale. Half the keys point the other way,
        // so the exact answer is the mean of the values of the aligned keys (scores ±10182 after the scale).
        var spec = Gqa8x2D128.SpyreSpec;
        var c = SpyreCase.Build(spec, new[] { (4, 64), (1, 40) }, seed: 11);
        int d = 128;
        for (int i = 0; i < c.Query.Length; i++) c.Query[i] = (Half)30f;
        int rows = c.KvCache.Length / d;
        for (int r = 0; r < rows; r++)
        {
            // K rows of each block (the first half of a [2, BlockSize, Hkv, D] block) alternate +30 / −30 per slot.
            int blockRow = r % (2 * 16 * 2);
            if (blockRow < 16 * 2)
            {
                c.KvCache.AsSpan(r * d, d).Fill((Half)(((blockRow / 2) % 2 == 0) ? 30f : -30f));
            }
        }

        var reference = c.Reference(SpyreKernel.ByName("Gqa8x2D128"));
        var ours = c.Emulate(SpyreScaleOrder.ScaleQueryFirst, SpyreNumberFormat.IeeeFp16);
        var theirs = c.Emulate(SpyreScaleOrder.ScaleAfterMatMul, SpyreNumberFormat.IeeeFp16);
        Assert.True(reference.All(Half.IsFinite));
        Assert.Contains(theirs, x => !Half.IsFinite(x));
        Close.Assert(ours, reference, ConformanceTests.TightAtol, ConformanceTests.TightRtol, "scale folded into q");
        // On the device (DLFloat16, finite up to 8.6e9) 115200 does not overflow: the failure is IEEE fp16's only.
        var device = c.Emulate(SpyreScaleOrder.ScaleAfterMatMul, SpyreNumberFormat.DlFloat16);
        Assert.True(device.All(Half.IsFinite));
        output.WriteLine($"reference order in IEEE fp16: {theirs.Count(x => Half.IsNaN(x))} of {theirs.Length} outputs NaN; ours: max |error| {Close.Measure(ours, reference, 1, 0).MaxAbs:E2}; " +
            $"reference order in DLFloat16: max |error| {Close.Measure(device, reference, 1, 0).MaxAbs:E2}");
    }

    [Fact]
    public void FourDAgainstTwoD()
    {
        var spec = new SpyreKernelSpec(32, 8, 128, 16, 1 / MathF.Sqrt(128), causal: true);
        output.WriteLine("design comparison, Hq 32 / Hkv 8, D 128 (launches, FLOPs computed vs useful, bytes to the device):");
        foreach (var (name, batch) in Batches())
        {
            var q = batch.Select(s => s.Q).ToArray();
            var kv = batch.Select(s => s.Kv).ToArray();
            var four = SpyreDesignComparison.FourD(spec, q, kv);
            var two = SpyreDesignComparison.TwoD(spec, q, kv);
            var split = SpyreDesignComparison.FourDSplit(spec with { Bucketing = SpyreBucketing.Improved }, q, kv);
            output.WriteLine($"  {name}:\n    {four}\n    {split}\n    {two}");
            Assert.True(split.Launches <= 2 && split.FlopsComputed <= four.FlopsComputed * 1.34, name);
            Assert.Equal(1, four.Launches);
            Assert.Equal(q.Length * ((q.Max() + 31) / 32), two.Launches);
            Assert.Equal(four.FlopsUseful, two.FlopsUseful);
            Assert.True(four.FlopsComputed >= four.FlopsUseful && two.FlopsComputed >= two.FlopsUseful);
        }

        // GQA without duplication: on a single decode sequence the 4D program moves K/V once per KV head, the 2D one G times.
        var one = SpyreDesignComparison.FourD(spec, new[] { 1 }, new[] { 1024 });
        var dup = SpyreDesignComparison.TwoD(spec, new[] { 1 }, new[] { 1024 });
        Assert.True(dup.BytesToDevice > 3 * one.BytesToDevice, $"{dup.BytesToDevice} vs {one.BytesToDevice}");
        long reference = SpyreBucketing.Reference.Plan(32, 4096).Count;
        output.WriteLine($"compiled variants over max_num_seqs 32, max_model_len 4096: 4D {reference}, 2D {SpyreDesignComparison.TwoDVariants(4096)}");
    }

    [Fact]
    public void TwoDPlanLaunchesPerSequenceAndChunk()
    {
        // The parent of 242da3b pads every query to the batch's longest (72: three 32-row chunks) and every context to the
        // batch's longest (512), and launches every chunk of every sequence, empty ones included.
        var plan = SpyreDesignComparison.TwoDPlan(Gqa8x2D128.SpyreSpec, new[] { 72, 1, 4, 0 }, new[] { 512, 256, 128, 9 });
        Assert.Equal(new[]
        {
            new SpyreTwoDLaunch(0, 0, 32, 32, 512), new SpyreTwoDLaunch(0, 32, 32, 32, 512), new SpyreTwoDLaunch(0, 64, 8, 32, 512),
            new SpyreTwoDLaunch(1, 0, 1, 32, 512), new SpyreTwoDLaunch(1, 32, 0, 32, 512), new SpyreTwoDLaunch(1, 64, 0, 32, 512),
            new SpyreTwoDLaunch(2, 0, 4, 32, 512), new SpyreTwoDLaunch(2, 32, 0, 32, 512), new SpyreTwoDLaunch(2, 64, 0, 32, 512),
            new SpyreTwoDLaunch(3, 0, 0, 32, 512), new SpyreTwoDLaunch(3, 32, 0, 32, 512), new SpyreTwoDLaunch(3, 64, 0, 32, 512),
        }, plan);
    }

    [Fact]
    public void SmallerBucketsWasteLessAtFewerVariants()
    {
        var spec = Gqa8x2D128.SpyreSpec;
        var rules = new[] { ("reference (256 / 32, exact B)", SpyreBucketing.Reference), ("small queries (128 / 1,8,32, exact B)", new SpyreBucketing(128, 32, new[] { 1, 8 })), ("improved (128 / 1,8,32, B pow2)", SpyreBucketing.Improved) };
        output.WriteLine("padding waste (FLOPs computed / useful) per batch, Hq 8 / Hkv 2, D 128:");
        output.WriteLine($"  {"batch",-34}" + string.Concat(rules.Select(r => $"{r.Item1,40}")));
        foreach (var (name, batch) in Batches())
        {
            var q = batch.Select(s => s.Q).ToArray();
            var kv = batch.Select(s => s.Kv).ToArray();
            var wastes = rules.Select(r => SpyreDesignComparison.FourD(spec with { Bucketing = r.Item2 }, q, kv).Waste).ToArray();
            output.WriteLine($"  {name,-34}" + string.Concat(wastes.Select(w => $"{w,39:F2}×")));
            Assert.True(wastes[1] <= wastes[0] + 1e-9, name);
        }

        var decode = DecodeOnly;
        double referenceWaste = SpyreDesignComparison.FourD(spec, decode.Select(s => s.Q).ToArray(), decode.Select(s => s.Kv).ToArray()).Waste;
        double improvedWaste = SpyreDesignComparison.FourD(spec with { Bucketing = SpyreBucketing.Improved }, decode.Select(s => s.Q).ToArray(), decode.Select(s => s.Kv).ToArray()).Waste;
        Assert.True(improvedWaste * 25 < referenceWaste, $"decode-only: {improvedWaste} vs {referenceWaste}");

        foreach (var (seqs, len) in new[] { (32, 4096), (256, 2048), (4, 512) })
        {
            var counts = rules.Select(r => r.Item2.Plan(seqs, len).Count).ToArray();
            output.WriteLine($"  variants, max_num_seqs {seqs}, max_model_len {len}: " + string.Join(" | ", rules.Select((r, i) => $"{r.Item1}: {counts[i]}")));
            if (seqs >= 32)
            {
                Assert.True(counts[2] < counts[0], $"improved {counts[2]} vs reference {counts[0]}");
            }
        }
    }

    private static (string, (int Q, int Kv)[])[] Batches() => new[]
    {
        ("decode-only (8 sequences)", DecodeOnly),
        ("[(1,256),(2,128),(4,512)]", ConformanceTests.Batches[0]),
        ("[(1,256),(1,128),(1,512)]", ConformanceTests.Batches[1]),
        ("[(72,512),(1,256),(4,128)]", ConformanceTests.Batches[2]),
        ("M1 (16 sequences, T = 654)", M1),
    };
}
