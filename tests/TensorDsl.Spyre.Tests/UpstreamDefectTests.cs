using System;
using System.Linq;

namespace TensorDsl.Spyre.Tests;

/// <summary>
/// Two defects of the reference design (spyre-inference at 242da3b, spyre_attn.py) the generated host code avoids
/// (docs/spyre.md#upstream-defects-avoided).
/// </summary>
public class UpstreamDefectTests
{
    private static readonly SpyreKernelSpec Gqa = Gqa8x2D128.SpyreSpec;

    /// <summary>
    /// Upstream zeroes the block id of positions past a sequence's length (<c>physical_blocks * valid_mask</c>) and so
    /// gathers physical block 0 into the padding; when block 0 is a free block holding inf/NaN, the masked scores are
    /// NaN. Here padding is zero-filled, never read from the cache.
    /// </summary>
    [Fact]
    public void NonFiniteDataInAnUnusedBlockZeroNeverReachesTheOutput()
    {
        var kernel = SpyreKernel.ByName("Gqa8x2D128");
        var c = SpyreCase.Build(Gqa, new[] { (4, 40), (1, 100), (1, 7) }, seed: 21);
        int blockElements = 2 * 16 * 2 * 128;
        var table = c.Batch.BlockTable.ToArray();
        var used = Enumerable.Range(0, c.KvLens.Length)
            .SelectMany(b => Enumerable.Range(0, (c.KvLens[b] + 15) / 16).Select(j => table[b * c.Batch.MaxBlocksPerSequence + j])).ToHashSet();
        int spare = Enumerable.Range(0, c.KvCache.Length / blockElements).First(i => !used.Contains(i));
        if (used.Contains(0))
        {
            // Move block 0's contents to a spare block and point the table there, so that block 0 is the free one.
            c.KvCache.AsSpan(0, blockElements).CopyTo(c.KvCache.AsSpan(spare * blockElements, blockElements));
            for (int i = 0; i < table.Length; i++) table[i] = table[i] == 0 ? spare : table[i];
        }

        c.KvCache.AsSpan(0, blockElements).Fill(Half.NaN);
        c.KvCache.AsSpan(0, blockElements / 2).Fill(Half.PositiveInfinity);
        var batch = PagedBatch.Create(c.Batch.QueryStartLoc, c.Batch.SeqLens, table, c.Batch.MaxBlocksPerSequence, c.Batch.SlotMapping);
        var moved = new SpyreCase
        {
            Spec = Gqa, QueryLens = c.QueryLens, KvLens = c.KvLens, Query = c.Query, NewKeys = c.NewKeys, NewValues = c.NewValues, KvCache = c.KvCache, Batch = batch,
        };

        var output = moved.Emulate();
        Assert.All(output, x => Assert.True(Half.IsFinite(x)));
        Close.Assert(output, moved.Reference(kernel), 0.2, 0.2, "with inf/NaN in the free block 0");
    }

    /// <summary>
    /// vLLM pads <c>slot_mapping</c> with −1. Upstream's <c>kv_cache[slot // bs, 0, slot % bs] = key</c> turns −1 into
    /// the last block at offset 15 (Python's negative indexing) and overwrites it. Here a negative slot is skipped.
    /// </summary>
    [Fact]
    public void APaddingSlotOfMinusOneWritesNothing()
    {
        var c = SpyreCase.Build(Gqa, new[] { (3, 20) }, seed: 22);
        var slots = c.Batch.SlotMapping.ToArray();
        slots[^1] = -1;
        var batch = PagedBatch.Create(c.Batch.QueryStartLoc, c.Batch.SeqLens, c.Batch.BlockTable, c.Batch.MaxBlocksPerSequence, slots);
        var before = (Half[])c.KvCache.Clone();
        var keys = Enumerable.Repeat((Half)5f, c.NewKeys.Length).ToArray();
        SpyreHost.WriteCache(Gqa, keys, keys, c.KvCache, batch);
        int row = 2 * 128, blockElements = 2 * 16 * row;
        int lastBlockOffset15 = c.KvCache.Length - blockElements + 15 * row;
        Assert.True(c.KvCache.AsSpan(lastBlockOffset15, row).SequenceEqual(before.AsSpan(lastBlockOffset15, row)), "the last block's offset 15 was written");
        // Exactly the two real tokens' K and V rows changed.
        int changed = Enumerable.Range(0, c.KvCache.Length / row).Count(r => !c.KvCache.AsSpan(r * row, row).SequenceEqual(before.AsSpan(r * row, row)));
        Assert.Equal(2 * 2, changed);
    }
}
