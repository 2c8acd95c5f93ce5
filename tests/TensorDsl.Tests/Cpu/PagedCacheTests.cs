using System;
using System.Linq;
using TensorDsl.Cpu;

namespace TensorDsl.Tests.Cpu;

/// <summary><see cref="PagedCache.Write{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, Span{T}, ReadOnlySpan{int}, int, int, int)"/> (vLLM reshape_and_cache).</summary>
public sealed class PagedCacheTests
{
    private const int Bs = 4, H = 2, D = 3, N = 3, Row = H * D, Block = Bs * Row;

    private static float[] Tokens(int count, float offset) =>
        Enumerable.Range(0, count * Row).Select(x => offset + x).ToArray();

    private static float[] Sentinels(int length) => Enumerable.Repeat(-1f, length).ToArray();

    [Fact]
    public void Writes_land_at_their_slots_and_negative_slots_are_skipped()
    {
        int[] slots = { 5, -1, 0, 11 };
        var key = Tokens(4, 0);
        var value = Tokens(4, 1000);
        var keyCache = Sentinels(N * Block);
        var valueCache = Sentinels(N * Block);
        PagedCache.Write<float>(key, value, keyCache, valueCache, slots, Bs, H, D);

        var expectedKeys = Sentinels(N * Block);
        var expectedValues = Sentinels(N * Block);
        for (int t = 0; t < slots.Length; t++)
        {
            if (slots[t] < 0) continue;
            int at = (slots[t] / Bs) * Block + (slots[t] % Bs) * Row;
            Array.Copy(key, t * Row, expectedKeys, at, Row);
            Array.Copy(value, t * Row, expectedValues, at, Row);
        }

        Assert.Equal(expectedKeys, keyCache);
        Assert.Equal(expectedValues, valueCache);
    }

    [Theory]
    [InlineData(KvCacheLayout.BlocksFirst)]
    [InlineData(KvCacheLayout.KvFirst)]
    public void Stacked_cache_matches_separate_caches(KvCacheLayout layout)
    {
        int[] slots = { 9, 2, -5, 4 };
        var key = Tokens(4, 0);
        var value = Tokens(4, 500);
        var keyCache = Sentinels(N * Block);
        var valueCache = Sentinels(N * Block);
        PagedCache.Write<float>(key, value, keyCache, valueCache, slots, Bs, H, D);
        var stacked = Sentinels(2 * N * Block);
        PagedCache.Write<float>(key, value, stacked, layout, slots, Bs, H, D);
        for (int n = 0; n < N; n++)
        {
            int keyAt = layout == KvCacheLayout.BlocksFirst ? 2 * n * Block : n * Block;
            int valueAt = layout == KvCacheLayout.BlocksFirst ? (2 * n + 1) * Block : (N + n) * Block;
            Assert.Equal(keyCache.AsSpan(n * Block, Block).ToArray(), stacked.AsSpan(keyAt, Block).ToArray());
            Assert.Equal(valueCache.AsSpan(n * Block, Block).ToArray(), stacked.AsSpan(valueAt, Block).ToArray());
        }
    }

    [Fact]
    public void Written_cache_is_what_the_driver_reads()
    {
        // One sequence of 6 tokens written through slot_mapping into shuffled blocks, then attended over.
        int[] table = { 2, 0 };
        int[] slots = Enumerable.Range(0, 6).Select(j => table[j / Bs] * Bs + j % Bs).ToArray();
        var w = Workload.Random<float, float>(3, new[] { 6 }, new[] { 6 }, 2, H, D, D);
        var key = Workload.LayTokens<float>(w.K, H, D);
        var value = Workload.LayTokens<float>(w.V, H, D);
        var cache = new float[2 * N * Block];
        PagedCache.Write<float>(key, value, cache, KvCacheLayout.BlocksFirst, slots, Bs, H, D);

        var batch = PagedBatch.Create(new[] { 0, 6 }, new[] { 6 }, table, 2, slots);
        var q = Workload.LayTokens<float>(w.Q, 2, D);
        var output = new float[q.Length];
        using var _ = ConfigSpec.Use(new KeyMask(true, false, 0, 0, 0));
        var problem = AttentionProblem.Varlen(
            batch, 2, H, D, D, RowAddressing.Tokens(2, D),
            KvAddressing.PagedStacked(KvCacheLayout.BlocksFirst, false, N, Bs, H, D),
            KvAddressing.PagedStacked(KvCacheLayout.BlocksFirst, true, N, Bs, H, D), RowAddressing.Tokens(2, D));
        AttentionDriver.Run<ConfigSpec, float, float, float>(
            problem, q, cache, cache, output, default, default, new ScoreInputs { DefaultScale = DriverHarness.DefaultScale(D) });
        var (expected, _) = w.Oracle(ConfigSpec.Mask, null, (b, h, i, p, j, dot) => dot * DriverHarness.DefaultScale(D));
        w.AssertOutput(expected, w.ReadRows(output, D, tokens: true), 1e-5);
    }

    [Fact]
    public void Out_of_range_slot_throws_and_writes_nothing()
    {
        var keyCache = Sentinels(N * Block);
        var valueCache = Sentinels(N * Block);
        var e = Assert.Throws<ShapeException>(() =>
            PagedCache.Write<float>(Tokens(3, 0), Tokens(3, 0), keyCache, valueCache, new[] { 1, 2, N * Bs }, Bs, H, D));
        Assert.Equal("slotMapping", e.Parameter);
        Assert.Equal("[2]", e.Dimension);
        Assert.Equal(N * Bs, e.Actual);
        Assert.All(keyCache, x => Assert.Equal(-1f, x));
        Assert.All(valueCache, x => Assert.Equal(-1f, x));
    }

    [Fact]
    public void Duplicate_slot_throws_naming_both_tokens_and_writes_nothing()
    {
        var cache = Sentinels(2 * N * Block);
        var e = Assert.Throws<ShapeException>(() =>
            PagedCache.Write<float>(Tokens(4, 0), Tokens(4, 0), cache, KvCacheLayout.KvFirst, new[] { 7, -1, 3, 7 }, Bs, H, D));
        Assert.Equal("slotMapping", e.Parameter);
        Assert.Equal("[3]", e.Dimension);
        Assert.Contains("slotMapping[0]", e.Expected);
        Assert.Equal(7, e.Actual);
        Assert.All(cache, x => Assert.Equal(-1f, x));
    }

    [Fact]
    public void Lengths_and_overlap_are_checked()
    {
        var key = Tokens(2, 0);
        var cache = Sentinels(N * Block);
        int[] slots = { 0, 1 };
        Assert.Equal("newKeys", Assert.Throws<ShapeException>(() =>
            PagedCache.Write<float>(Tokens(1, 0), key, cache, Sentinels(N * Block), slots, Bs, H, D)).Parameter);
        Assert.Equal("newValues", Assert.Throws<ShapeException>(() =>
            PagedCache.Write<float>(key, Tokens(3, 0), cache, Sentinels(N * Block), slots, Bs, H, D)).Parameter);
        Assert.Equal("keyCache", Assert.Throws<ShapeException>(() =>
            PagedCache.Write<float>(key, key, Sentinels(N * Block + 1), Sentinels(N * Block + 1), slots, Bs, H, D)).Parameter);
        Assert.Equal("valueCache", Assert.Throws<ShapeException>(() =>
            PagedCache.Write<float>(key, key, cache, Sentinels(Block), slots, Bs, H, D)).Parameter);
        Assert.Equal("kvCache", Assert.Throws<ShapeException>(() =>
            PagedCache.Write<float>(key, key, Sentinels(3 * Block), KvCacheLayout.BlocksFirst, slots, Bs, H, D)).Parameter);
        Assert.Equal("blockSize", Assert.Throws<ShapeException>(() =>
            PagedCache.Write<float>(key, key, cache, Sentinels(N * Block), slots, 0, H, D)).Parameter);

        var both = Sentinels(2 * N * Block);
        var overlap = Assert.Throws<ArgumentException>(() =>
            PagedCache.Write<float>(both.AsSpan(0, 2 * Row), key, both.AsSpan(0, N * Block), Sentinels(N * Block), slots, Bs, H, D));
        Assert.Equal("keyCache", overlap.ParamName);
        Assert.Contains("'newKeys'", overlap.Message);
        Assert.Throws<ArgumentException>(() =>
            PagedCache.Write<float>(key, key, both.AsSpan(0, N * Block), both.AsSpan(N * Block - 1, N * Block), slots, Bs, H, D));
        Assert.All(both, x => Assert.Equal(-1f, x));
    }

    [Fact]
    public void No_allocation_after_warm_up()
    {
        int[] slots = { 3, 8, -1, 0, 11, 5 };
        var key = Tokens(6, 0).Select(x => (Half)x).ToArray();
        var cache = new Half[2 * N * Block];
        void Call() => PagedCache.Write<Half>(key, key, cache, KvCacheLayout.BlocksFirst, slots, Bs, H, D);
        Call();
        Call();
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int call = 0; call < 5; call++) Call();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(least == 0, $"5 writes allocated {least} bytes (least of 3 attempts)");
    }
}
