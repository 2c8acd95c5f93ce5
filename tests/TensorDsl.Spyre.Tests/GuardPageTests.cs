using System;
using System.Linq;
using TensorDsl.Tests.Reliability;

namespace TensorDsl.Spyre.Tests;

/// <summary>
/// The Spyre host side over buffers flush against an inaccessible page (the CPU suite's <see cref="GuardedArena"/>,
/// docs/reliability.md): cache writes, host preparation, the fp16 emulator and the way back read and write exactly
/// their spans — one element outside kills the test process — and give bit for bit what they give on arrays.
/// </summary>
public class GuardPageTests
{
    private static readonly SpyreKernelSpec Gqa = Gqa8x2D128.SpyreSpec;

    [SkippableTheory]
    [InlineData(GuardSide.End)]
    [InlineData(GuardSide.Start)]
    public void The_host_side_stays_inside_guarded_buffers(GuardSide side)
    {
        Skip.If(GuardedArena.Unsupported is not null, GuardedArena.Unsupported);
        var c = SpyreCase.Build(Gqa, new[] { (3, 40), (1, 17), (5, 70), (1, 1) }, seed: 9);
        using var arena = new GuardedArena(side);
        var source = c.Batch;
        var batch = PagedBatch.Create(
            arena.Metadata(source.QueryStartLoc.Span), arena.Metadata(source.SeqLens.Span), arena.Metadata(source.BlockTable.Span),
            source.MaxBlocksPerSequence, arena.Metadata(source.SlotMapping.Span));

        // Cache writes from slot_mapping.
        var managedCache = c.KvCache.ToArray();
        SpyreHost.WriteCache(Gqa, c.NewKeys, c.NewValues, managedCache, c.Batch);
        var guardedCache = arena.Output<Half>(c.KvCache);
        SpyreHost.WriteCache(Gqa, arena.Input<Half>(c.NewKeys), arena.Input<Half>(c.NewValues), guardedCache, batch);
        Assert.True(managedCache.AsSpan().SequenceEqual(guardedCache));

        // Host preparation from a guarded query and cache.
        var managed = SpyreHost.Prepare(Gqa, c.Query, managedCache, c.Batch);
        var guarded = SpyreHost.Prepare(Gqa, arena.Input<Half>(c.Query), arena.Input<Half>(managedCache), batch);
        Assert.True(managed.Query.SequenceEqual(guarded.Query));
        Assert.True(managed.Key.SequenceEqual(guarded.Key));
        Assert.True(managed.Value.SequenceEqual(guarded.Value));
        Assert.True(managed.Mask.SequenceEqual(guarded.Mask));
        Assert.True(managed.TokenRows.SequenceEqual(guarded.TokenRows));

        // The emulator into a guarded output, and the way back from it into a guarded flat output.
        var programOutput = new Half[managed.OutputElements];
        new SpyreEmulator().Run(managed, programOutput);
        var guardedProgram = arena.Output<Half>(new Half[managed.OutputElements]);
        new SpyreEmulator().Run(guarded, guardedProgram);
        Assert.True(programOutput.AsSpan().SequenceEqual(guardedProgram));

        int flat = c.Tokens * Gqa.QueryHeads * Gqa.HeadSize;
        var output = new Half[flat];
        SpyreHost.Unpack(managed, programOutput, output);
        var guardedOutput = arena.Output<Half>(new Half[flat]);
        SpyreHost.Unpack(guarded, guardedProgram, guardedOutput);
        Assert.True(output.AsSpan().SequenceEqual(guardedOutput));
    }
}
