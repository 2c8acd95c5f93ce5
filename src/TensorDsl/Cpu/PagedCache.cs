using System;
using System.Buffers;
using System.Globalization;
using TensorDsl.Cpu;
using TensorDsl.Runtime;

namespace TensorDsl;

/// <summary>
/// Writes new tokens' keys and values into a vLLM paged KV cache (vLLM's <c>reshape_and_cache</c>): token
/// <c>t</c> of <c>newKeys</c>/<c>newValues</c> <c>[T, H, D]</c> goes to cache slot <c>slotMapping[t]</c>, i.e. block
/// <c>slot / BlockSize</c>, row <c>slot % BlockSize</c>; a negative slot skips the token (padding).
/// </summary>
/// <remarks>
/// Everything is validated before the first element is written, so a bad call leaves the cache untouched:
/// lengths, every slot below <c>N · BlockSize</c>, no slot written twice (the result would depend on write
/// order), and no overlap between the cache and the new keys/values. Duplicate detection sorts a pooled copy of
/// the slots: no allocation once the pool is warm.
/// </remarks>
public static class PagedCache
{
    /// <summary>Writes into separate caches <paramref name="keyCache"/> and <paramref name="valueCache"/>, each <c>[N, BlockSize, H, D]</c>.</summary>
    public static void Write<T>(
        ReadOnlySpan<T> newKeys, ReadOnlySpan<T> newValues, Span<T> keyCache, Span<T> valueCache,
        ReadOnlySpan<int> slotMapping, int blockSize, int heads, int headDim)
        where T : unmanaged
    {
        int blockElements = CheckSizes(newKeys, newValues, slotMapping, blockSize, heads, headDim);
        KernelGuard.MultipleOf("keyCache", "length", blockElements, keyCache.Length);
        KernelGuard.Equal("valueCache", "length", keyCache.Length, valueCache.Length);
        ReadOnlySpan<T> keys = keyCache, values = valueCache;
        KernelGuard.Disjoint("keyCache", keys, "valueCache", values);
        CheckDisjoint("keyCache", keys, newKeys, newValues);
        CheckDisjoint("valueCache", values, newKeys, newValues);

        int numBlocks = keyCache.Length / blockElements;
        CheckSlots(slotMapping, numBlocks, blockSize);
        Scatter(newKeys, keyCache, slotMapping, 0, blockSize, blockElements);
        Scatter(newValues, valueCache, slotMapping, 0, blockSize, blockElements);
    }

    /// <summary>Writes into one span <paramref name="kvCache"/> holding both caches in <paramref name="layout"/>.</summary>
    public static void Write<T>(
        ReadOnlySpan<T> newKeys, ReadOnlySpan<T> newValues, Span<T> kvCache, KvCacheLayout layout,
        ReadOnlySpan<int> slotMapping, int blockSize, int heads, int headDim)
        where T : unmanaged
    {
        if (layout is not (KvCacheLayout.BlocksFirst or KvCacheLayout.KvFirst))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "Unknown KV cache layout.");
        }

        int blockElements = CheckSizes(newKeys, newValues, slotMapping, blockSize, heads, headDim);
        KernelGuard.MultipleOf("kvCache", "length", 2L * blockElements, kvCache.Length);
        CheckDisjoint("kvCache", kvCache, newKeys, newValues);

        int numBlocks = (int)(kvCache.Length / (2L * blockElements));
        CheckSlots(slotMapping, numBlocks, blockSize);

        // BlocksFirst [N, 2, BS, H, D]: a block's values follow its keys. KvFirst [2, N, BS, H, D]: all keys, then all values.
        bool blocksFirst = layout == KvCacheLayout.BlocksFirst;
        long blockStride = blocksFirst ? 2L * blockElements : blockElements;
        long valueBase = blocksFirst ? blockElements : (long)numBlocks * blockElements;
        Scatter(newKeys, kvCache, slotMapping, 0, blockSize, blockStride);
        Scatter(newValues, kvCache, slotMapping, valueBase, blockSize, blockStride);
    }

    /// <summary>Checks the sizes and the key/value lengths; returns <c>BlockSize · H · D</c> (the elements of one block).</summary>
    private static int CheckSizes<T>(
        ReadOnlySpan<T> newKeys, ReadOnlySpan<T> newValues, ReadOnlySpan<int> slotMapping, int blockSize, int heads, int headDim)
        where T : unmanaged
    {
        KernelGuard.Positive("blockSize", "BlockSize", blockSize);
        KernelGuard.Positive("heads", "H", heads);
        KernelGuard.Positive("headDim", "D", headDim);
        int blockElements = KernelGuard.Elements("cache block", blockSize, heads, headDim);
        int tokens = KernelGuard.Elements("newKeys", slotMapping.Length, heads, headDim);
        KernelGuard.SpanLength("newKeys", tokens, newKeys.Length);
        KernelGuard.SpanLength("newValues", tokens, newValues.Length);
        return blockElements;
    }

    private static void CheckDisjoint<T>(string cacheName, ReadOnlySpan<T> cache, ReadOnlySpan<T> key, ReadOnlySpan<T> value)
        where T : unmanaged
    {
        KernelGuard.Disjoint(cacheName, cache, "newKeys", key);
        KernelGuard.Disjoint(cacheName, cache, "newValues", value);
    }

    /// <summary>Every slot is negative (skip) or below <c>numBlocks · blockSize</c>, and no slot appears twice.</summary>
    private static void CheckSlots(ReadOnlySpan<int> slotMapping, int numBlocks, int blockSize)
    {
        long slots = (long)numBlocks * blockSize;
        int used = 0;
        for (int t = 0; t < slotMapping.Length; t++)
        {
            int slot = slotMapping[t];
            if (slot >= slots)
            {
                throw new ShapeException(
                    "slotMapping", Invariant($"[{t}]"),
                    Invariant($"a slot < {slots} (N {numBlocks} × BlockSize {blockSize}), or negative to skip"), slot);
            }

            if (slot >= 0) used++;
        }

        if (used < 2)
        {
            return;
        }

        // Sort (slot, token) pairs packed into longs: equal slots become neighbours, ordered by token index.
        long[] rented = ArrayPool<long>.Shared.Rent(used);
        try
        {
            var pairs = rented.AsSpan(0, used);
            int n = 0;
            for (int t = 0; t < slotMapping.Length; t++)
            {
                if (slotMapping[t] >= 0) pairs[n++] = ((long)slotMapping[t] << 32) | (uint)t;
            }

            pairs.Sort();
            for (int x = 1; x < pairs.Length; x++)
            {
                if ((pairs[x] >> 32) == (pairs[x - 1] >> 32))
                {
                    int first = (int)(uint)pairs[x - 1], second = (int)(uint)pairs[x];
                    throw new ShapeException(
                        "slotMapping", Invariant($"[{second}]"),
                        Invariant($"a slot not already written by slotMapping[{first}]"), pairs[x] >> 32);
                }
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(rented);
        }
    }

    /// <summary>Copies each token's <c>[H, D]</c> rows to its slot: <c>base + block · blockStride + offset · H · D</c>.</summary>
    private static void Scatter<T>(
        ReadOnlySpan<T> source, Span<T> cache, ReadOnlySpan<int> slotMapping, long baseOffset, int blockSize, long blockStride)
        where T : unmanaged
    {
        int tokenElements = source.Length / Math.Max(1, slotMapping.Length);
        for (int t = 0; t < slotMapping.Length; t++)
        {
            int slot = slotMapping[t];
            if (slot < 0)
            {
                continue;
            }

            long offset = baseOffset + slot / blockSize * blockStride + (long)(slot % blockSize) * tokenElements;
            source.Slice(t * tokenElements, tokenElements).CopyTo(cache.Slice((int)offset, tokenElements));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
