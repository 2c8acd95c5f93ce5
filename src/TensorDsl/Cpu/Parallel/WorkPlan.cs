using System;

namespace TensorDsl.Cpu.Parallel;

/// <summary>
/// One unit of work: a block of query rows (positions × the query heads of one KV head's group) of one sequence,
/// over one contiguous range of its keys. Every K/V tile is read once for all rows of the block, so the G heads
/// of a group share each read.
/// </summary>
internal struct WorkItem
{
    public int Sequence, KvHead, HeadStart, HeadCount;

    /// <summary>
    /// The KV heads <c>[KvHead, KvHead + KvHeads)</c> the item reads: 1, or several for a single-position decode
    /// (a KV-head bundle), whose query heads <c>[HeadStart, HeadStart + HeadCount)</c> then span several groups.
    /// </summary>
    public int KvHeads;

    /// <summary>Keys per tile (at most <c>AttentionJob.TileKeys</c>, a divisor of it); a function of the problem's shape only.</summary>
    public int TileKeys;

    /// <summary>G: the full group size. Block shapes follow it, not the head range, so a head slice computes each
    /// of its rows exactly as the full run does.</summary>
    public int Group;

    /// <summary>The query positions <c>[RowStart, RowStart + RowCount)</c> within the sequence.</summary>
    public int RowStart, RowCount;

    /// <summary>The sequence's first query token (varlen), query length, first KV token (token K/V) and KV length.</summary>
    public int QueryStart, QueryLength, KvStart, KvLength;

    /// <summary>The keys this item covers, <c>[KeyStart, KeyEnd)</c>: the block's visible span, or one piece of it.</summary>
    public int KeyStart, KeyEnd;

    /// <summary>−1: the item finishes its rows. Otherwise the partial-result slot it fills for a later merge.</summary>
    public int Slot;

    /// <summary>The pieces of a split span (merge items only): slots <c>[Slot, Slot + Pieces)</c>.</summary>
    public int Pieces;

    /// <summary>Estimated work (row × key pairs), for scheduling the largest items first.</summary>
    public long Cost;

    public readonly int Rows => RowCount * HeadCount;
}

/// <summary>
/// Splits one call into <see cref="WorkItem"/>s whose boundaries depend only on the problem's shape — never on
/// the thread count — so every thread count computes every row with the same operations in the same order.
/// </summary>
/// <remarks>
/// Split-KV (flash-decoding): when a batch has fewer than <see cref="SplitTarget"/> blocks (a few long decodes),
/// each block's keys are cut into pieces of at least <see cref="MinPieceKeys"/> keys whose partial softmax states
/// are merged through their log-sum-exp by a second pass. Items are ordered largest first (by FLOPs, not by
/// sequence) so the dynamic scheduler balances a mixed prefill/decode batch.
/// </remarks>
internal sealed class WorkPlan
{
    /// <summary>Query rows per block: enough vector lanes to reuse each K/V tile many times.</summary>
    public const int RowTarget = 64;

    /// <summary>
    /// Query rows per block on the 512-bit path: each K/V tile (located, prefetched, V copied) serves twice the rows,
    /// and the 32-register micro-kernels keep their shapes. Measured at 1 thread against 64 (builds alternating, load
    /// average 7–10): P1, P3 fastest calls 3–20 % lower in each of four pairs, P2 about level. On the 256-bit path
    /// (16 registers) 128 rows were slower on P2 and M1, so it keeps <see cref="RowTarget"/>.
    /// </summary>
    public const int WideRowTarget = 128;

    /// <summary>The rows per block at a vector width of <paramref name="lanes"/> floats: a function of the path alone.</summary>
    public static int RowTargetFor(int lanes) => lanes >= 16 ? WideRowTarget : RowTarget;

    /// <summary>This plan's rows per block (<see cref="RowTargetFor"/> of the path that runs it).</summary>
    public int RowsPerBlock = RowTarget;

    public const int SplitTarget = 32;

    public const int MinPieceKeys = 256;

    public WorkItem[] Items = Array.Empty<WorkItem>();
    public WorkItem[] Merges = Array.Empty<WorkItem>();
    public int ItemCount, MergeCount, SlotCount;
    private OrderKey[] _order = Array.Empty<OrderKey>();
    private WorkItem[] _sorted = Array.Empty<WorkItem>();

    /// <summary>The largest number of rows any item has (the partial slots' row stride).</summary>
    public int MaxRows;

    public long TotalCost;

    public void Clear()
    {
        ItemCount = 0;
        MergeCount = 0;
        SlotCount = 0;
        MaxRows = 0;
        TotalCost = 0;
        ProblemBlocks = 0;
    }

    /// <summary>
    /// Query rows per block of a long sequence on the 512- and 256-bit paths: each K/V tile's fixed work (locating,
    /// prefetching and copying its rows, the value kernel's accumulator loads) serves 2× (512-bit) or 4× (256-bit)
    /// the rows of the path's usual block. In-process A/B at 1 thread (docs/benchmarks.md, "Rows per block"): P3
    /// −4 to −5 % (512) and −7 % (256), P1 −3 to −4 % and −5 %; 512 rows were no better.
    /// </summary>
    public const int LongRowTarget = 256;

    /// <summary>The rows per block of a long sequence at a vector width of <paramref name="lanes"/> floats (0: none).</summary>
    public static int LongRowTargetFor(int lanes) => lanes >= 8 ? LongRowTarget : 0;

    /// <summary>This plan's rows per block for long sequences (<see cref="LongRowTargetFor"/>; 0: no long blocks).</summary>
    public int LongRowsPerBlock;

    /// <summary>
    /// The query positions per block of one sequence (of one KV-head group): <see cref="LongRowsPerBlock"/> rows
    /// where the plan has them and the sequence fills at least one such block, else <see cref="RowsPerBlock"/>.
    /// With a causal, window or chunk mask a bigger block spans more diagonal tiles, but each tile computes only the
    /// run of rows that sees it (<c>AttentionJob.Block</c>), so the diagonal costs what it costs in smaller blocks.
    /// A function of the sequence's shape and the path alone, never of threads or head range, as blocks must be.
    /// </summary>
    public int PositionsPerBlock(in WorkItem sequence)
    {
        int group = sequence.Group;
        if (LongRowsPerBlock > RowsPerBlock)
        {
            int longPositions = Math.Max(1, LongRowsPerBlock / group);
            if (sequence.QueryLength >= longPositions)
            {
                return longPositions;
            }
        }

        return Math.Max(1, RowsPerBlock / group);
    }

    /// <summary>
    /// The blocks the whole problem has (every KV head, whatever the head range): the split decision depends on
    /// it, so a head slice splits exactly as the full run does.
    /// </summary>
    public long ProblemBlocks;

    /// <summary>Adds the blocks of one sequence's KV head group; <paramref name="mask"/> gives each row's key range.</summary>
    public void AddSequence(in WorkItem sequence, KeyMask mask)
    {
        int perBlock = PositionsPerBlock(sequence);
        for (int start = 0; start < sequence.QueryLength; start += perBlock)
        {
            var item = sequence;
            item.RowStart = start;
            item.RowCount = Math.Min(perBlock, sequence.QueryLength - start);
            int lo = int.MaxValue, hi = int.MinValue;
            for (int i = start; i < start + item.RowCount; i++)
            {
                mask.Range(sequence.KvLength - sequence.QueryLength + i, sequence.KvLength, out int rowLo, out int rowHi);
                if (rowHi >= rowLo)
                {
                    lo = Math.Min(lo, rowLo);
                    hi = Math.Max(hi, rowHi);
                }
            }

            item.KeyStart = hi >= lo ? lo : 0;
            item.KeyEnd = hi >= lo ? hi + 1 : 0;
            item.Slot = -1;
            item.Cost = (long)item.Rows * (item.KeyEnd - item.KeyStart + 1);
            Add(ref Items, ref ItemCount, item);
            MaxRows = Math.Max(MaxRows, item.Rows);
        }
    }

    /// <summary>Applies split-KV when the batch has too few blocks, then orders the items largest first.</summary>
    public void Finish(int tileKeys)
    {
        if (ItemCount > 0 && ProblemBlocks < SplitTarget)
        {
            Split(tileKeys);
        }

        Order();
    }

    private void Split(int tileKeys)
    {
        int blocks = ItemCount;
        int wanted = (int)((SplitTarget + ProblemBlocks - 1) / ProblemBlocks);
        Array.Resize(ref _sorted, Math.Max(_sorted.Length, blocks));
        Array.Copy(Items, _sorted, blocks);
        ItemCount = 0;
        for (int b = 0; b < blocks; b++)
        {
            var item = _sorted[b];
            int span = item.KeyEnd - item.KeyStart;
            int pieces = Math.Min(wanted, span / MinPieceKeys);
            if (pieces < 2)
            {
                Add(ref Items, ref ItemCount, item);
                continue;
            }

            // Piece boundaries on whole tiles from the block's first key: shape-determined, like everything here.
            int tiles = (span + tileKeys - 1) / tileKeys;
            var merge = item;
            merge.Slot = SlotCount;
            merge.Pieces = pieces;
            merge.Cost = (long)item.Rows * pieces;
            Add(ref Merges, ref MergeCount, merge);
            for (int p = 0; p < pieces; p++)
            {
                var piece = item;
                piece.KeyStart = item.KeyStart + (int)((long)tiles * p / pieces) * tileKeys;
                piece.KeyEnd = Math.Min(item.KeyEnd, item.KeyStart + (int)((long)tiles * (p + 1) / pieces) * tileKeys);
                piece.Slot = SlotCount++;
                piece.Cost = (long)piece.Rows * (piece.KeyEnd - piece.KeyStart + 1);
                Add(ref Items, ref ItemCount, piece);
            }
        }
    }

    private void Order()
    {
        TotalCost = 0;
        if (_order.Length < Items.Length)
        {
            _order = new OrderKey[Items.Length];
        }

        for (int i = 0; i < ItemCount; i++)
        {
            TotalCost += Items[i].Cost;
            _order[i] = new OrderKey(Items[i].Cost, i);
        }

        // Largest cost first, ties by position: the order (hence nothing numeric) is fully determined by the shape.
        _order.AsSpan(0, ItemCount).Sort();
        if (_sorted.Length < Items.Length)
        {
            _sorted = new WorkItem[Items.Length]; // same capacity as Items: the swap below must not shrink it
        }

        for (int i = 0; i < ItemCount; i++)
        {
            _sorted[i] = Items[_order[i].Index];
        }

        (Items, _sorted) = (_sorted, Items);
    }

    private static void Add(ref WorkItem[] items, ref int count, in WorkItem item)
    {
        if (count == items.Length)
        {
            Array.Resize(ref items, Math.Max(16, items.Length * 2));
        }

        items[count++] = item;
    }

    private readonly record struct OrderKey(long Cost, int Index) : IComparable<OrderKey>
    {
        public int CompareTo(OrderKey other)
        {
            int byCost = other.Cost.CompareTo(Cost);
            return byCost != 0 ? byCost : Index.CompareTo(other.Index);
        }
    }
}
