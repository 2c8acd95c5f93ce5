using System;
using System.Linq;

namespace TensorDsl.Spyre.Tests;

/// <summary>PrepareStep: the launches of a mixed step through the emulator and back, and its bad-input contract.</summary>
public class StepPreparationTests
{
    private static readonly SpyreKernel Kernel = SpyreKernel.ByName("Gqa8x2D128");

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    public void AStepOfSeveralLaunchesMatchesTheReference(int seed)
    {
        var plan = SpyreStepBuckets.Plan(16, 1024, 512);
        var (q, kv) = StepPlanTests.RandomStep(new Random(seed), 16, 1024, 512);
        var c = SpyreCase.Build(Kernel.Spec, q.Zip(kv).ToArray(), seed);
        var step = SpyreHost.PrepareStep(Kernel.Spec, plan, c.Query, c.KvCache, c.Batch);
        Assert.InRange(step.Count, 1, 3);
        var outputs = Enumerable.Range(0, step.Count).Select(i =>
        {
            var o = new Half[step[i].OutputElements];
            new SpyreEmulator().Run(step[i], o);
            return o;
        }).ToArray();
        var flat = new Half[c.Tokens * Kernel.Spec.QueryHeads * Kernel.Spec.HeadSize];
        flat.AsSpan().Fill(Half.NaN); // every token must be written by exactly one launch
        SpyreHost.UnpackStep(step, outputs, flat);
        var (atol, rtol) = q.Max() >= 32 ? (0.3, 5.0) : (0.2, 0.2);
        var reference = c.Reference(Kernel);
        Close.Assert(flat, reference, atol, rtol, "step vs reference");
        Close.Assert(flat, reference, ConformanceTests.TightAtol, ConformanceTests.TightRtol, "step vs reference (tight)");
        Assert.Equal(c.Tokens, Enumerable.Range(0, step.Count).Sum(i => step[i].Tokens));
        Assert.True(step.BytesToDevice() > 0);
    }

    [Fact]
    public void BadInputIsRefusedBeforeAnyBufferChanges()
    {
        var plan = SpyreStepBuckets.Plan(4, 512, 64);
        var c = SpyreCase.Build(Kernel.Spec, new[] { (3, 40), (1, 17) }, seed: 41);
        var step = SpyreHost.PrepareStep(Kernel.Spec, plan, c.Query, c.KvCache, c.Batch);
        var q0 = step[0].Query.ToArray();
        var schedule = step.Schedule;

        Assert.Equal("query", Assert.Throws<ShapeException>(() => SpyreHost.PrepareStep(Kernel.Spec, plan, c.Query.AsSpan(1), c.KvCache, c.Batch, step)).Parameter);
        Assert.Equal("kvCache", Assert.Throws<ShapeException>(() => SpyreHost.PrepareStep(Kernel.Spec, plan, c.Query, c.KvCache.AsSpan(1), c.Batch, step)).Parameter);
        // A step past the plan's limits (five sequences for max_num_seqs 4) names the limit.
        var big = SpyreCase.Build(Kernel.Spec, Enumerable.Repeat((1, 9), 5).ToArray(), seed: 42);
        var error = Assert.Throws<ShapeException>(() => SpyreHost.PrepareStep(Kernel.Spec, plan, big.Query, big.KvCache, big.Batch, step));
        Assert.Equal("seqLens", error.Parameter);
        Assert.Contains("max_num_seqs 4", error.Message);
        Assert.Same(schedule, step.Schedule);
        Assert.Equal(q0, step[0].Query.ToArray());
    }
}
