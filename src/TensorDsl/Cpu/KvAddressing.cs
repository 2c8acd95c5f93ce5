using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using TensorDsl.Runtime;

namespace TensorDsl.Cpu;

/// <summary>
/// Where the head-dim vector of key (or value) <c>[b, h, j]</c> starts in its span, in elements: dense
/// <c>[B, H, S, D]</c> / <c>[B, S, H, D]</c>, flat varlen tokens <c>[Σ seq_lens, H, D]</c>, or a vLLM paged cache
/// <c>[N, BlockSize, H, D]</c> — alone, or stacked with the other cache in one span (<see cref="KvCacheLayout"/>).
/// </summary>
/// <remarks>
/// Paged: key <c>j</c> of sequence <c>b</c> is in block <c>block_table[b · MaxBlocksPerSequence + j / BlockSize]</c>,
/// slot <c>j % BlockSize</c>, at <c>base + block · blockStride + slot · H · D + h · D</c>.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct KvAddressing
{
    private KvAddressing(
        Layout layout, RowAddressing rows, int blockSize = 0, int numBlocks = 0, long baseOffset = 0, long blockStride = 0,
        KvCacheLayout cacheLayout = default, bool values = false, bool stacked = false)
    {
        Layout = layout;
        IsStacked = stacked;
        Rows = rows;
        BlockSize = blockSize;
        NumBlocks = numBlocks;
        BaseOffset = baseOffset;
        BlockStride = blockStride;
        CacheLayout = cacheLayout;
        IsValues = values;
    }

    /// <summary>Bhsd, Bshd, Tokens or Pages: the shared layout table's (docs/design.md, "Where does X live").</summary>
    internal Layout Layout { get; }

    /// <summary>A paged cache stacked with its partner in one span (<see cref="CacheLayout"/> says how).</summary>
    internal bool IsStacked { get; }

    /// <summary>
    /// The row strides: the whole rule for dense and token K/V; for a paged cache, the slot-and-head part inside a
    /// block (a block is laid out as <c>[BlockSize, H, D]</c>, exactly a tokens tensor).
    /// </summary>
    internal RowAddressing Rows { get; }

    /// <summary>H: the tensor's (KV) head count.</summary>
    public int Heads => Rows.Heads;

    /// <summary>S for dense layouts; 0 otherwise (the lengths come from the varlen metadata).</summary>
    public int Length => Rows.Length;

    /// <summary>D: the head-dim size (contiguous).</summary>
    public int HeadDim => Rows.HeadDim;

    /// <summary>Slots per cache block (paged layouts only).</summary>
    public int BlockSize { get; }

    /// <summary>N for a stacked cache; for a separate cache N is the span length / (BlockSize · H · D).</summary>
    public int NumBlocks { get; }

    /// <summary>Whether this addresses a paged cache (separate or stacked).</summary>
    public bool IsPaged => Layout == Layout.Pages;

    internal long BaseOffset { get; }

    internal long BlockStride { get; }

    internal KvCacheLayout CacheLayout { get; }

    internal bool IsValues { get; }

    /// <summary>Dense <c>[B, heads, length, headDim]</c>.</summary>
    public static KvAddressing Bhsd(int heads, int length, int headDim) => new(Layout.Bhsd, RowAddressing.Bhsd(heads, length, headDim));

    /// <summary>Dense <c>[B, length, heads, headDim]</c>.</summary>
    public static KvAddressing Bshd(int heads, int length, int headDim) => new(Layout.Bshd, RowAddressing.Bshd(heads, length, headDim));

    /// <summary>Flat varlen <c>[Σ seq_lens, heads, headDim]</c>: sequence <c>b</c>'s keys start at <c>Σ_{c&lt;b} seq_lens[c]</c>.</summary>
    public static KvAddressing Tokens(int heads, int headDim) => new(Layout.Tokens, RowAddressing.Tokens(heads, headDim));

    /// <summary>A separate paged cache <c>[N, blockSize, heads, headDim]</c> (N follows from the span length).</summary>
    public static KvAddressing Paged(int blockSize, int heads, int headDim)
    {
        CheckPaged(blockSize, heads, headDim);
        return new(Layout.Pages, RowAddressing.Tokens(heads, headDim), blockSize: blockSize, blockStride: (long)blockSize * heads * headDim);
    }

    /// <summary>
    /// The key (<paramref name="values"/> false) or value half of one span holding both caches of
    /// <paramref name="numBlocks"/> blocks in <paramref name="layout"/>. Pass the same span as k and v.
    /// </summary>
    public static KvAddressing PagedStacked(
        KvCacheLayout layout, bool values, int numBlocks, int blockSize, int heads, int headDim)
    {
        if (layout is not (KvCacheLayout.BlocksFirst or KvCacheLayout.KvFirst))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "Unknown KV cache layout.");
        }

        KernelGuard.Dim("numBlocks", "N", numBlocks);
        CheckPaged(blockSize, heads, headDim);
        long blockElements = (long)blockSize * heads * headDim;
        long blockStride = layout == KvCacheLayout.BlocksFirst ? 2 * blockElements : blockElements;
        long valueBase = layout == KvCacheLayout.BlocksFirst ? blockElements : numBlocks * blockElements;
        return new(
            Layout.Pages, RowAddressing.Tokens(heads, headDim),
            blockSize: blockSize, numBlocks: numBlocks, baseOffset: values ? valueBase : 0, blockStride: blockStride,
            cacheLayout: layout, values: values, stacked: true);
    }

    /// <summary>
    /// The element offset of key <c>[b, h, key, 0]</c>. <paramref name="tokenStart"/> is the sequence's first KV
    /// token (tokens layout); <paramref name="blockTable"/> the batch's block table (paged layouts). A block id
    /// that changed after validation yields an offset the caller's span slice rejects.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Offset(int b, int h, int key, int tokenStart, ReadOnlySpan<int> blockTable, int maxBlocks)
    {
        if (IsPaged)
        {
            int block = blockTable[b * maxBlocks + key / BlockSize];
            return RowAddressing.ToIndex(BaseOffset + block * BlockStride + Rows.Offset(0, h, key % BlockSize, 0));
        }

        return Rows.Offset(b, h, key, tokenStart);
    }

    /// <summary>
    /// The offsets of keys <c>[start, start + count)</c> of sequence <paramref name="b"/>, head <paramref name="h"/>,
    /// into <paramref name="destination"/>: the same values as <see cref="Offset"/>, with one division per call
    /// instead of one per key for a paged cache (it walks slots and blocks). Out-of-range results become −1.
    /// </summary>
    internal void Offsets(
        int b, int h, int start, int count, int tokenStart, ReadOnlySpan<int> blockTable, int maxBlocks, Span<int> destination)
    {
        destination = destination.Slice(0, count);
        if (!IsPaged)
        {
            long first = Rows.BatchStride * b + Rows.HeadStride * h + ((long)tokenStart + start) * Rows.RowStride;
            for (int t = 0; t < destination.Length; t++)
            {
                destination[t] = RowAddressing.ToIndex(first + t * Rows.RowStride);
            }

            return;
        }

        int block = start / BlockSize, slot = start % BlockSize;
        var row = blockTable.Slice(b * maxBlocks);
        long inBlock = Rows.HeadStride * h;
        for (int t = 0; t < destination.Length; t++)
        {
            destination[t] = RowAddressing.ToIndex(BaseOffset + row[block] * BlockStride + slot * Rows.RowStride + inBlock);
            if (++slot == BlockSize)
            {
                slot = 0;
                block++;
            }
        }
    }

    private static void CheckPaged(int blockSize, int heads, int headDim)
    {
        // A cache block with no elements would leave N undefined, so every paged size must be positive.
        KernelGuard.Positive("blockSize", "BlockSize", blockSize);
        KernelGuard.Positive("addressing", "H", heads);
        KernelGuard.Positive("addressing", "D", headDim);
    }
}
