using System;
using System.Linq;

namespace TensorDsl.Spyre.Tests;

/// <summary>The host preparation element by element, its validation, its layouts and its allocation behaviour.</summary>
public class HostPreparationTests
{
    private static readonly SpyreKernelSpec Gqa = Gqa8x2D128.SpyreSpec;

    [Fact]
    public void GeneratedSpecCarriesTheDeclaration()
    {
        var spec = Gqa8x2D128.SpyreSpec;
        Assert.Equal((8, 2, 4, 128, 16), (spec.QueryHeads, spec.KvHeads, spec.Group, spec.HeadSize, spec.BlockSize));
        Assert.Equal(1f / MathF.Sqrt(128), spec.Scale, 6);
        Assert.True(spec.Causal);
        Assert.Equal((-1, -1, 0), (spec.WindowLeft, spec.WindowRight, spec.Chunk));
        Assert.Equal((256, 32), (spec.Bucketing.KvBucket, spec.Bucketing.QueryPadding));
    }

    [Fact]
    public void PlacesGathersAndMasksEveryElement()
    {
        // Without the key shift the gathered keys are the cache's own bits (the shift: KeysAreShiftedByTheirMean).
        var c = SpyreCase.Build(Gqa, new[] { (3, 40), (1, 17), (0, 5) }, seed: 5);
        var inputs = SpyreHost.Prepare(Gqa with { ShiftKeys = false }, c.Query, c.KvCache, c.Batch);
        int hq = 8, hkv = 2, g = 4, d = 128, bs = 16, qp = inputs.Qp, l = inputs.L;
        Assert.Equal((3, 3, 32, 256, 4), (inputs.Sequences, inputs.Batch, qp, l, inputs.Tokens));
        Assert.Equal(new[] { 6, 4, 32, 128 }, inputs.QueryShape);
        Assert.Equal(new[] { 6, 1, 256, 128 }, inputs.KvShape);
        Assert.Equal(new[] { 6, 1, 32, 256 }, inputs.MaskShape);
        var starts = c.Batch.QueryStartLoc.ToArray();
        for (int b = 0; b < 3; b++)
        {
            int lq = starts[b + 1] - starts[b], lk = c.KvLens[b];
            for (int h = 0; h < hq; h++)
            {
                for (int i = 0; i < qp; i++)
                {
                    for (int x = 0; x < d; x += 17)
                    {
                        var got = inputs.Query[(((b * hkv + h / g) * g + h % g) * qp + i) * d + x];
                        Assert.Equal(i < lq ? c.Query[((starts[b] + i) * hq + h) * d + x] : Half.Zero, got);
                    }
                }
            }

            for (int kh = 0; kh < hkv; kh++)
            {
                for (int j = 0; j < l; j++)
                {
                    int block = j < lk ? c.Batch.BlockId(b, j / bs) : -1;
                    for (int x = 0; x < d; x += 31)
                    {
                        int at = ((b * hkv + kh) * l + j) * d + x;
                        int src = ((block * 2 * bs + j % bs) * hkv + kh) * d + x;
                        Assert.Equal(j < lk ? c.KvCache[src] : Half.Zero, inputs.Key[at]);
                        Assert.Equal(j < lk ? c.KvCache[src + bs * hkv * d] : Half.Zero, inputs.Value[at]);
                    }
                }

                for (int i = 0; i < qp; i++)
                {
                    for (int j = 0; j < l; j++)
                    {
                        bool visible = i < lq && j < lk && j <= lk - lq + i;
                        Assert.Equal(visible ? Half.Zero : (Half)(-65504f), inputs.Mask[((b * hkv + kh) * qp + i) * l + j]);
                    }
                }
            }
        }

        Assert.Equal(new[] { 0, 1, 2, 32 }, inputs.TokenRows.ToArray());
    }

    [Fact]
    public void WriteCachePutsEachNewTokenAtItsSlot()
    {
        var c = SpyreCase.Build(Gqa, new[] { (5, 20), (1, 33) }, seed: 9);
        var slots = c.Batch.SlotMapping.ToArray();
        int row = 2 * 128, bs = 16;
        for (int t = 0; t < slots.Length; t++)
        {
            int at = slots[t] / bs * 2 * bs * row + slots[t] % bs * row;
            Assert.True(c.KvCache.AsSpan(at, row).SequenceEqual(c.NewKeys.AsSpan(t * row, row)));
            Assert.True(c.KvCache.AsSpan(at + bs * row, row).SequenceEqual(c.NewValues.AsSpan(t * row, row)));
        }
    }

    [Fact]
    public void ValidationNamesTheFaultAndTouchesNothing()
    {
        var c = SpyreCase.Build(Gqa, new[] { (2, 20), (1, 33) }, seed: 3);
        var before = (Half[])c.KvCache.Clone();
        Assert.Equal("query", Assert.Throws<ShapeException>(() => SpyreHost.Prepare(Gqa, c.Query.AsSpan(1), c.KvCache, c.Batch)).Parameter);
        Assert.Equal("kvCache", Assert.Throws<ShapeException>(() => SpyreHost.Prepare(Gqa, c.Query, c.KvCache.AsSpan(1), c.Batch)).Parameter);
        var table = c.Batch.BlockTable.ToArray();
        table[0] = 10_000;
        var bad = PagedBatch.Create(c.Batch.QueryStartLoc, c.Batch.SeqLens, table, c.Batch.MaxBlocksPerSequence, c.Batch.SlotMapping);
        Assert.Equal("blockTable", Assert.Throws<ShapeException>(() => SpyreHost.Prepare(Gqa, c.Query, c.KvCache, bad)).Parameter);
        var twice = c.Batch.SlotMapping.ToArray();
        twice[1] = twice[0];
        var dup = PagedBatch.Create(c.Batch.QueryStartLoc, c.Batch.SeqLens, c.Batch.BlockTable, c.Batch.MaxBlocksPerSequence, twice);
        Assert.Equal("slotMapping", Assert.Throws<ShapeException>(() => SpyreHost.WriteCache(Gqa, c.NewKeys, c.NewValues, c.KvCache, dup)).Parameter);
        var far = c.Batch.SlotMapping.ToArray();
        far[2] = int.MaxValue;
        var outside = PagedBatch.Create(c.Batch.QueryStartLoc, c.Batch.SeqLens, c.Batch.BlockTable, c.Batch.MaxBlocksPerSequence, far);
        Assert.Equal("slotMapping", Assert.Throws<ShapeException>(() => SpyreHost.WriteCache(Gqa, c.NewKeys, c.NewValues, c.KvCache, outside)).Parameter);
        Assert.Equal("newKeys", Assert.Throws<ShapeException>(() => SpyreHost.WriteCache(Gqa, c.NewKeys.AsSpan(2), c.NewValues, c.KvCache, c.Batch)).Parameter);
        Assert.Equal(before, c.KvCache);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpyreKernelSpec(8, 2, 96, 16, 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpyreKernelSpec(8, 3, 128, 16, 0.1f));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NoAllocationOnceWarm(bool improved)
    {
        var spec = improved ? Gqa with { Bucketing = SpyreBucketing.Improved } : Gqa;
        var c = SpyreCase.Build(spec, new[] { (72, 512), (1, 256), (4, 128) }, seed: 4);
        var inputs = SpyreHost.Prepare(spec, c.Query, c.KvCache, c.Batch);
        SpyreHost.Prepare(spec, c.Query, c.KvCache, c.Batch, inputs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        SpyreHost.Prepare(spec, c.Query, c.KvCache, c.Batch, inputs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void LayoutsUseTheStickVocabulary()
    {
        var c = SpyreCase.Build(Gqa, new[] { (3, 40) }, seed: 5);
        var layouts = SpyreHost.Prepare(Gqa, c.Query, c.KvCache, c.Batch).Layouts().ToDictionary(l => l.Name);
        var q = layouts["q"];
        Assert.Equal(new[] { 2, 4, 32, 128 }, q.Size);
        // torch-spyre 859df83's generic stick layout: the stick count outermost, the stick innermost.
        Assert.Equal(new[] { 2, 2, 4, 32, 64 }, q.DeviceSize);
        Assert.Equal(new[] { 3, 0, 1, 2, 3 }, q.DimMap);
        Assert.Equal(new long[] { 16384, 8192, 2048, 64, 1 }, q.DeviceStrides);
        // q [2, 4, 32, 128] row-major: host strides 16384, 4096, 128, 1; one step of the stick count is 64 elements.
        Assert.Equal(new long[] { 64, 16384, 4096, 128, 1 }, q.StrideMap);
        Assert.Equal(new long[] { 64, 8192, 8192, 256, 1 }, layouts["mask"].StrideMap);
        Assert.Equal((3, 64, 0), (q.StickDim, q.StickElements, q.StickPadding));
        var rows = layouts["token_rows"];
        Assert.Equal(("int32", 32, 29), (rows.DeviceDtype, rows.StickElements, rows.StickPadding));
        Assert.Equal(2L * 1 * 256 * 32 * 2, layouts["mask"].DeviceBytes);
        Assert.Contains("\"device_size\": [2, 2, 4, 32, 64]", q.ToJson(), StringComparison.Ordinal);
        Assert.Contains("\"stride_map\": [64, 16384, 4096, 128, 1]", q.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnpackIsTheInverseOfThePlacement()
    {
        var c = SpyreCase.Build(Gqa, new[] { (3, 40), (1, 17) }, seed: 6);
        var inputs = SpyreHost.Prepare(Gqa, c.Query, c.KvCache, c.Batch);
        var flat = new Half[c.Query.Length];
        SpyreHost.Unpack(inputs, inputs.Query, flat);
        Assert.Equal(c.Query, flat);
    }

    [Fact]
    public void KeysAreShiftedByTheirMean()
    {
        // Expected from decimal arithmetic (exact for fp16 sums of this size), not from the preparation's integer sums.
        var c = SpyreCase.Build(Gqa, new[] { (3, 40), (1, 17), (0, 5) }, seed: 6, magnitude: 3f);
        var plain = SpyreHost.Prepare(Gqa with { ShiftKeys = false }, c.Query, c.KvCache, c.Batch);
        var unshifted = plain.Key.ToArray();
        var shifted = SpyreHost.Prepare(Gqa, c.Query, c.KvCache, c.Batch);
        int d = 128, l = shifted.L;
        for (int b = 0; b < 3; b++)
        {
            int lk = c.KvLens[b];
            for (int kh = 0; kh < 2; kh++)
            {
                int plane = (b * 2 + kh) * l * d;
                for (int x = 0; x < d; x++)
                {
                    decimal sum = 0;
                    for (int j = 0; j < lk; j++)
                    {
                        sum += (decimal)(double)unshifted[plane + j * d + x];
                    }

                    float r = (float)(Half)(float)((double)sum / lk);
                    for (int j = 0; j < l; j++)
                    {
                        var expected = j < lk ? (Half)((float)unshifted[plane + j * d + x] - r) : Half.Zero;
                        Assert.Equal(expected, shifted.Key[plane + j * d + x]);
                    }
                }
            }
        }

        // Values, q and the mask are untouched by the shift.
        Assert.True(plain.Value.SequenceEqual(shifted.Value) && plain.Query.SequenceEqual(shifted.Query) && plain.Mask.SequenceEqual(shifted.Mask));
    }

    [Fact]
    public void ANonFiniteKeyKeepsItsColumnUnshifted()
    {
        var c = SpyreCase.Build(Gqa, new[] { (1, 20) }, seed: 8);
        var plain = SpyreHost.Prepare(Gqa with { ShiftKeys = false }, c.Query, c.KvCache, c.Batch).Key.ToArray();
        // Poison key 3, column 5 of KV head 0: block table row 0's first block, offset 3 of [2, BlockSize 16, Hkv 2, D 128].
        int block = c.Batch.BlockTable.Span[0];
        c.KvCache[block * (2 * 16 * 2 * 128) + 3 * (2 * 128) + 5] = Half.PositiveInfinity;
        var shifted = SpyreHost.Prepare(Gqa, c.Query, c.KvCache, c.Batch).Key.ToArray();
        Assert.Equal(Half.PositiveInfinity, shifted[3 * 128 + 5]);
        Assert.Equal(plain[0 * 128 + 5], shifted[0 * 128 + 5]);   // r = 0 in the poisoned column
        // A finite column is shifted (its random mean is not zero) and stays finite.
        Assert.Contains(Enumerable.Range(0, 20), j => shifted[j * 128 + 6] != plain[j * 128 + 6]);
        Assert.All(Enumerable.Range(0, 20), j => Assert.True(Half.IsFinite(shifted[j * 128 + 6])));
    }

    /// <summary>
    /// The layouts torch-spyre's own tests state (tests/tensor/test_tensor_layout.py at torch-spyre 859df83,
    /// test_generic_stick): expected values copied from there, not computed here.
    /// </summary>
    [Theory]
    [InlineData(new[] { 128 }, new[] { 2, 64 }, new long[] { 64, 1 }, new[] { 0, 0 })]
    [InlineData(new[] { 512, 256 }, new[] { 4, 512, 64 }, new long[] { 32768, 64, 1 }, new[] { 1, 0, 1 })]
    [InlineData(new[] { 512, 8, 256 }, new[] { 4, 512, 8, 64 }, new long[] { 262144, 512, 64, 1 }, new[] { 2, 0, 1, 2 })]
    public void LayoutsFollowTorchSpyresStatedRules(int[] size, int[] deviceSize, long[] deviceStrides, int[] dimMap)
    {
        var layout = SpyreTensorLayout.Generic("x", "float16", size);
        Assert.Equal(deviceSize, layout.DeviceSize);
        Assert.Equal(deviceStrides, layout.DeviceStrides);
        Assert.Equal(dimMap, layout.DimMap);
    }
}
