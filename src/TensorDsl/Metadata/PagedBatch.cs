using System;

namespace TensorDsl;

/// <summary>
/// vLLM v1 paged-KV metadata (docs/semantics.md#metadata): the varlen metadata plus <c>block_table</c> (int32
/// <c>[B, MaxBlocksPerSequence]</c>, row-major) and <c>slot_mapping</c> (int32 <c>[T]</c>: the cache slot
/// <c>block · BlockSize + offset</c> each new token's K/V is written to; negative = skip).
/// </summary>
/// <remarks>
/// Key <c>j</c> of sequence <c>b</c> lives in cache block <c>BlockTable[b, j / BlockSize]</c> at row
/// <c>j % BlockSize</c>. Only the first <c>ceil(seq_len / BlockSize)</c> entries of a row are read; the rest
/// (vLLM pads with anything) are never validated nor used. The cache's block count and block size are
/// properties of the cache tensor, not of the metadata, hence <see cref="Validate"/> takes them.
/// </remarks>
public sealed class PagedBatch : VarlenBatch
{
    private PagedBatch(
        ReadOnlyMemory<int> queryStartLoc, ReadOnlyMemory<int> seqLens, int maxQueryLen, int maxSeqLen, long totalKvTokens,
        ReadOnlyMemory<int> blockTable, int maxBlocksPerSequence, ReadOnlyMemory<int> slotMapping)
        : base(queryStartLoc, seqLens, maxQueryLen, maxSeqLen, totalKvTokens)
    {
        BlockTable = blockTable;
        MaxBlocksPerSequence = maxBlocksPerSequence;
        SlotMapping = slotMapping;
    }

    /// <summary><c>block_table</c>, row-major <c>[B, MaxBlocksPerSequence]</c>.</summary>
    public ReadOnlyMemory<int> BlockTable { get; }

    /// <summary>The row length of <see cref="BlockTable"/>.</summary>
    public int MaxBlocksPerSequence { get; }

    /// <summary><c>slot_mapping</c> <c>[T]</c>, or empty when no new K/V is written to the cache.</summary>
    public ReadOnlyMemory<int> SlotMapping { get; }

    /// <summary>
    /// Entry <paramref name="block"/> of sequence <paramref name="sequence"/>'s block-table row: the cache block
    /// holding its keys <c>block · BlockSize</c> to <c>(block + 1) · BlockSize − 1</c>.
    /// </summary>
    public int BlockId(int sequence, int block)
    {
        CheckSequence(sequence);
        if ((uint)block >= (uint)MaxBlocksPerSequence)
        {
            throw new ArgumentOutOfRangeException(
                nameof(block), block, Invariant($"A block table row has {MaxBlocksPerSequence} entries."));
        }

        return BlockTable.Span[sequence * MaxBlocksPerSequence + block];
    }

    /// <summary>
    /// Checks the array lengths and the varlen metadata (as <see cref="VarlenBatch.Create"/>).
    /// <paramref name="slotMapping"/> may be empty (no cache write); otherwise its length must be <c>T</c>.
    /// Block ids and slots are checked against a cache by <see cref="Validate"/>.
    /// </summary>
    public static PagedBatch Create(
        ReadOnlyMemory<int> queryStartLoc, ReadOnlyMemory<int> seqLens,
        ReadOnlyMemory<int> blockTable, int maxBlocksPerSequence, ReadOnlyMemory<int> slotMapping = default)
    {
        var (maxQuery, maxSeq, totalKv) = ValidateVarlen(queryStartLoc, seqLens);
        int batch = seqLens.Length;
        if (maxBlocksPerSequence < 0)
        {
            throw new ShapeException("blockTable", "MaxBlocksPerSequence", "≥ 0", maxBlocksPerSequence);
        }

        long tableLength = (long)batch * maxBlocksPerSequence;
        if (blockTable.Length != tableLength)
        {
            throw new ShapeException(
                "blockTable", "length", Invariant($"{tableLength} (B = {batch} × MaxBlocksPerSequence = {maxBlocksPerSequence})"),
                blockTable.Length);
        }

        int tokens = queryStartLoc.Span[batch];
        if (!slotMapping.IsEmpty && slotMapping.Length != tokens)
        {
            throw new ShapeException(
                "slotMapping", "length", Invariant($"0 (no cache write) or T = {tokens} (queryStartLoc[{batch}])"),
                slotMapping.Length);
        }

        return new PagedBatch(
            queryStartLoc, seqLens, maxQuery, maxSeq, totalKv, blockTable, maxBlocksPerSequence, slotMapping);
    }

    /// <summary>
    /// Checks the metadata against a cache of <paramref name="numBlocks"/> blocks of <paramref name="blockSize"/>
    /// slots: every sequence fits its block-table row, every block id it uses is in <c>[0, numBlocks)</c>, and
    /// every non-negative slot is below <c>numBlocks · blockSize</c>. O(T + Σ blocks used).
    /// </summary>
    public void Validate(int numBlocks, int blockSize)
    {
        if (numBlocks < 0)
        {
            throw new ShapeException("numBlocks", "N", "≥ 0", numBlocks);
        }

        if (blockSize <= 0)
        {
            throw new ShapeException("blockSize", "BlockSize", "> 0", blockSize);
        }

        var lens = SeqLens.Span;
        var table = BlockTable.Span;
        for (int b = 0; b < lens.Length; b++)
        {
            // seq_lens[b] ≥ 0 was checked by Create, so this ceiling cannot overflow as a long.
            long blocksUsed = ((long)lens[b] + blockSize - 1) / blockSize;
            if (blocksUsed > MaxBlocksPerSequence)
            {
                throw new ShapeException(
                    "seqLens", Invariant($"[{b}]"),
                    Invariant($"≤ {(long)MaxBlocksPerSequence * blockSize} (MaxBlocksPerSequence {MaxBlocksPerSequence} × BlockSize {blockSize})"),
                    lens[b]);
            }

            int row = b * MaxBlocksPerSequence;
            for (int j = 0; j < blocksUsed; j++)
            {
                int id = table[row + j];
                if ((uint)id >= (uint)numBlocks)
                {
                    throw new ShapeException(
                        "blockTable", Invariant($"[{b}, {j}]"), Invariant($"a block id in [0, {numBlocks})"), id);
                }
            }
        }

        long slots = (long)numBlocks * blockSize;
        var mapping = SlotMapping.Span;
        for (int t = 0; t < mapping.Length; t++)
        {
            if (mapping[t] >= slots)
            {
                throw new ShapeException(
                    "slotMapping", Invariant($"[{t}]"),
                    Invariant($"a slot < {slots} (numBlocks {numBlocks} × BlockSize {blockSize}), or negative to skip"),
                    mapping[t]);
            }
        }
    }
}
