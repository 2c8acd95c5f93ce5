using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using TensorDsl.Cpu;
using TensorDsl.Cpu.Parallel;
using TensorDsl.Cpu.Simd;
using static TensorDsl.Tests.Cpu.DriverHarness;

namespace TensorDsl.Tests.Cpu.Parallel;

/// <summary>
/// The work split of real driver calls (the plan the calling thread's job keeps after <see cref="AttentionDriver"/>
/// returns), checked against facts derived here from the problem: every (sequence, head, row) of the head range is
/// finished by exactly one item or merge; blocks are runs of query positions × the heads of one KV head's group; each
/// block covers exactly its rows' visible keys; split-KV happens exactly when the whole problem has fewer than
/// <see cref="WorkPlan.SplitTarget"/> blocks, into pieces that tile the block's keys without gap or overlap, each a
/// whole number of tiles (but the last) and at least <see cref="WorkPlan.MinPieceKeys"/> keys; the split and every
/// boundary are the same for any head range; and items are ordered largest cost first.
/// </summary>
public sealed class WorkPlanTests
{
    /// <summary>The driver's rows per block on the path these tests run (128 on the 512-bit path, else 64).</summary>
    private static int ActiveRowTarget => WorkPlan.RowTargetFor(global::TensorDsl.VectorPaths.Active == global::TensorDsl.CpuVectorPath.Vector512 ? 16 : 8);

    /// <summary>Positions per block of a long sequence at G = 1 on the active path: 256 where long blocks exist.</summary>
    private static int BlockPositions => LongBlocks ? 256 : ActiveRowTarget;

    private const int TileKeys = AttentionJob<SimdScalar, float, ConfigSpec, float, float, float>.TileKeys;

    /// <summary>The plan of the calling thread's last <see cref="ConfigSpec"/> float call at the active vector width.</summary>
    private static WorkPlan LastPlan() => VectorPaths.Active switch
    {
        CpuVectorPath.Vector512 => AttentionJob<Simd512, Vector512<float>, ConfigSpec, float, float, float>.Current.Call.Plan,
        CpuVectorPath.Vector256 => AttentionJob<Simd256, Vector256<float>, ConfigSpec, float, float, float>.Current.Call.Plan,
        CpuVectorPath.Vector128 => AttentionJob<Simd128, Vector128<float>, ConfigSpec, float, float, float>.Current.Call.Plan,
        _ => AttentionJob<SimdScalar, float, ConfigSpec, float, float, float>.Current.Call.Plan,
    };

    /// <summary>The mask kinds used here, with the visible range written from docs/semantics.md §7.</summary>
    public enum MaskKind { Causal, Window600, Chunk1000Causal, None }

    private static KeyMask MaskOf(MaskKind kind) => kind switch
    {
        MaskKind.Causal => new KeyMask(true, false, 0, 0, 0),
        MaskKind.Window600 => new KeyMask(true, true, 600, 0, 0),
        MaskKind.Chunk1000Causal => new KeyMask(true, false, 0, 0, 1000),
        _ => KeyMask.None,
    };

    /// <summary>Visible keys <c>[lo, hi]</c> (empty when hi &lt; lo) of position <paramref name="p"/> among <paramref name="lk"/> keys.</summary>
    private static (int Lo, int Hi) Visible(MaskKind kind, int p, int lk)
    {
        int lo = 0, hi = lk - 1;
        if (kind != MaskKind.None) hi = Math.Min(hi, p);
        if (kind == MaskKind.Window600) lo = Math.Max(lo, p - 600);
        if (kind == MaskKind.Chunk1000Causal) lo = Math.Max(lo, (int)Math.Floor(p / 1000.0) * 1000);
        return (lo, hi);
    }

    private sealed record Problem(string Label, MaskKind Mask, int Hq, int Hkv, int[] QLens, int[] KvLens)
    {
        public int G => Hq / Hkv;

        public override string ToString() => $"{Label} {Mask} Hq{Hq}/Hkv{Hkv} q[{string.Join(",", QLens)}] kv[{string.Join(",", KvLens)}]";
    }

    /// <summary>One block's layout, keyed by where it starts: the same in every head range that holds it.</summary>
    private sealed record BlockShape(int RowCount, int KeyStart, int KeyEnd, string Pieces);

    public static TheoryData<string> Problems => new(ProblemList.Keys);

    private static readonly Dictionary<string, Problem> ProblemList = new List<Problem>
    {
        // A mixed batch (prefill, long and short decodes, an idle sequence): few blocks, so the long spans split.
        new("mixed", MaskKind.Causal, 8, 2, new[] { 70, 1, 0, 5, 1, 130 }, new[] { 70, 1200, 9, 40, 3000, 200 }),
        new("mixed", MaskKind.Causal, 8, 1, new[] { 70, 1, 0, 5, 1, 130 }, new[] { 70, 1200, 9, 40, 3000, 200 }),
        new("mixed", MaskKind.Window600, 4, 2, new[] { 70, 1, 0, 5, 1, 130 }, new[] { 70, 1200, 9, 40, 3000, 200 }),
        new("mixed", MaskKind.Chunk1000Causal, 16, 1, new[] { 3, 1, 2 }, new[] { 2999, 1500, 4000 }),
        new("decode", MaskKind.None, 32, 4, new[] { 1 }, new[] { 4096 }),
        new("decode", MaskKind.Causal, 6, 6, new[] { 2, 3 }, new[] { 511, 513 }),
        new("decodes", MaskKind.Causal, 16, 2, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, Enumerable.Repeat(2000, 16).ToArray()),
        // 31 blocks (split) and 32 blocks (no split; two KV heads' 16), G = 1: BlockPositions positions per block.
        new("31-blocks", MaskKind.Causal, 1, 1, new[] { 31 * BlockPositions }, new[] { 31 * BlockPositions }),
        new("32-blocks", MaskKind.Causal, 2, 2, new[] { 16 * BlockPositions }, new[] { 16 * BlockPositions }),
        new("prefill", MaskKind.Causal, 4, 4, new[] { 600 }, new[] { 600 }),
        // Long blocks (512- and 256-bit paths): a non-causal sequence of 300 positions (one 256-row block and a rest, G = 1)
        // beside a short one, and causal ones of 64 positions at G = 4 (the threshold) and just below it.
        new("long", MaskKind.None, 3, 3, new[] { 300, 100 }, new[] { 300, 100 }),
        new("long", MaskKind.Causal, 8, 2, new[] { 64, 63, 200 }, new[] { 64, 100, 200 }),
    }.ToDictionary(p => p.ToString());

    [Theory]
    [MemberData(nameof(Problems))]
    public void Items_cover_every_row_once_and_split_by_the_whole_problem(string name)
    {
        var problem = ProblemList[name];
        var w = Workload.Random<float, float>(3, problem.QLens, problem.KvLens, problem.Hq, problem.Hkv, 1, 1);
        using var _ = ConfigSpec.Use(MaskOf(problem.Mask));
        int hq = problem.Hq, g = problem.G;
        var ranges = new List<HeadRange> { new(0, hq), new(0, 1), new(hq - 1, 1), new(g / 2, Math.Min(g, hq - g / 2)), new(1, hq - 1) };
        Dictionary<(int, int, int), BlockShape>? full = null;
        long fullBlocks = -1;
        foreach (var range in ranges.Where(r => r.Count > 0).Distinct())
        {
            Varlen<ConfigSpec, float, float, float>(w, KvKind.Tokens, heads: range);
            var plan = LastPlan();
            string at = $"{problem} heads {range}";
            var shapes = Check(problem, range, plan, at);
            if (full is null)
            {
                full = shapes;
                fullBlocks = plan.ProblemBlocks;
                continue;
            }

            Assert.Equal(fullBlocks, plan.ProblemBlocks);
            foreach (var (key, shape) in shapes)
            {
                Assert.True(full.TryGetValue(key, out var expected), $"{at}: block {key} is not in the full run's plan");
                Assert.True(expected == shape, $"{at}: block {key} is {shape} in the slice but {expected} in the full run");
            }
        }
    }

    [Fact]
    public void A_dense_problem_splits_like_the_same_varlen_problem()
    {
        // Dense B = 1, Hq 32 / Hkv 4, one decode row over 4096 keys: 4 blocks, so each is cut into pieces.
        var w = Workload.Dense<float, float>(4, b: 1, sq: 1, sk: 4096, hq: 32, hkv: 4, d: 1, dv: 1);
        using var _ = ConfigSpec.Use(KeyMask.None);
        Dense<ConfigSpec, float, float, float>(w, bshd: false);
        var plan = LastPlan();
        Check(new Problem("dense-decode", MaskKind.None, 32, 4, new[] { 1 }, new[] { 4096 }), new HeadRange(0, 32), plan, "dense decode");
        Assert.Equal(4, plan.MergeCount);
    }

    /// <summary>Whether the active path has 256-row blocks for long sequences (docs/design.md, "CPU kernel").</summary>
    private static bool LongBlocks => VectorPaths.Active is CpuVectorPath.Vector512 or CpuVectorPath.Vector256;

    /// <summary>
    /// Positions per block of a sequence of <paramref name="queryLength"/> positions, written from docs/design.md
    /// ("CPU kernel"): on the 512- and 256-bit paths a sequence takes blocks of 256 rows where it has at least one
    /// such block's positions, whatever its mask; otherwise, and on the other paths, the path's row target.
    /// </summary>
    private static int PerBlock(Problem problem, int queryLength)
    {
        int g = problem.G;
        int longPositions = Math.Max(1, 256 / g);
        return LongBlocks && queryLength >= longPositions ? longPositions : Math.Max(1, ActiveRowTarget / g);
    }

    private static Dictionary<(int Sequence, int KvHead, int RowStart), BlockShape> Check(Problem problem, HeadRange range, WorkPlan plan, string at)
    {
        int g = problem.G;
        long blocks = problem.QLens.Where(l => l > 0).Sum(l => (long)(l + PerBlock(problem, l) - 1) / PerBlock(problem, l)) * problem.Hkv;
        Assert.True(blocks == plan.ProblemBlocks, $"{at}: ProblemBlocks {plan.ProblemBlocks}, expected {blocks}");
        bool splitting = blocks < WorkPlan.SplitTarget;

        var items = plan.Items.AsSpan(0, plan.ItemCount).ToArray();
        var merges = plan.Merges.AsSpan(0, plan.MergeCount).ToArray();
        if (!splitting) Assert.True(merges.Length == 0, $"{at}: {blocks} blocks ≥ {WorkPlan.SplitTarget} but {merges.Length} merges");

        // Largest cost first; a cost is at least the item's row × key pairs.
        for (int i = 0; i < items.Length; i++)
        {
            var it = items[i];
            Assert.True(it.Cost >= (long)it.Rows * (it.KeyEnd - it.KeyStart), $"{at}: item {i} cost {it.Cost} below its {it.Rows} rows × {it.KeyEnd - it.KeyStart} keys");
            if (i > 0) Assert.True(items[i - 1].Cost >= it.Cost, $"{at}: item {i} (cost {it.Cost}) after a cheaper item (cost {items[i - 1].Cost})");
        }

        // Pieces: each slot once, grouped under exactly one merge.
        var pieces = items.Where(it => it.Slot >= 0).ToList();
        Assert.Equal(pieces.Count, pieces.Select(p => p.Slot).Distinct().Count());
        Assert.Equal(merges.Sum(m => m.Pieces), pieces.Count);

        var finishers = items.Where(it => it.Slot < 0).Select(it => (Block: it, Split: false)).Concat(merges.Select(m => (Block: m, Split: true))).ToList();
        var covered = new Dictionary<(int B, int H, int I), int>();
        var shapes = new Dictionary<(int, int, int), BlockShape>();
        foreach (var (block, split) in finishers)
        {
            string blockAt = $"{at}: block (seq {block.Sequence}, kv head {block.KvHead}, rows {block.RowStart}+{block.RowCount})";
            int lq = problem.QLens[block.Sequence], lk = problem.KvLens[block.Sequence];
            int perBlock = PerBlock(problem, lq);

            // Shape: a run of positions starting on a block boundary, the group's heads inside the range.
            Assert.True(block.Group == g, $"{blockAt}: Group {block.Group}, expected {g}");
            Assert.True(block.RowStart % perBlock == 0 && block.RowCount == Math.Min(perBlock, lq - block.RowStart), $"{blockAt}: not a block of {perBlock} positions");
            int headStart = Math.Max(range.Start, block.KvHead * g), headEnd = Math.Min(range.Start + range.Count, (block.KvHead + 1) * g);
            Assert.True(block.HeadStart == headStart && block.HeadCount == headEnd - headStart, $"{blockAt}: heads {block.HeadStart}+{block.HeadCount}, expected {headStart}..{headEnd}");

            // Keys: exactly the union of its rows' visible ranges.
            int lo = int.MaxValue, hi = int.MinValue;
            for (int i = block.RowStart; i < block.RowStart + block.RowCount; i++)
            {
                var (rowLo, rowHi) = Visible(problem.Mask, lk - lq + i, lk);
                if (rowHi >= rowLo) (lo, hi) = (Math.Min(lo, rowLo), Math.Max(hi, rowHi));
                for (int h = block.HeadStart; h < block.HeadStart + block.HeadCount; h++)
                {
                    covered[(block.Sequence, h, i)] = covered.GetValueOrDefault((block.Sequence, h, i)) + 1;
                }
            }

            if (hi >= lo) Assert.True(block.KeyStart == lo && block.KeyEnd == hi + 1, $"{blockAt}: keys [{block.KeyStart}, {block.KeyEnd}), rows see [{lo}, {hi + 1})");
            else Assert.True(block.KeyEnd <= block.KeyStart, $"{blockAt}: no row sees a key, yet keys [{block.KeyStart}, {block.KeyEnd})");

            int span = Math.Max(0, block.KeyEnd - block.KeyStart);
            bool shouldSplit = splitting && span >= 2 * WorkPlan.MinPieceKeys;
            Assert.True(split == shouldSplit, $"{blockAt}: split {split} with {span} keys and {blocks} blocks in the problem");
            string pieceList = "";
            if (split)
            {
                var mine = pieces.Where(p => p.Slot >= block.Slot && p.Slot < block.Slot + block.Pieces).OrderBy(p => p.Slot).ToList();
                Assert.True(mine.Count == block.Pieces && block.Pieces >= 2, $"{blockAt}: {mine.Count} pieces for {block.Pieces} slots");
                Assert.True(block.Pieces <= (WorkPlan.SplitTarget + blocks - 1) / blocks, $"{blockAt}: {block.Pieces} pieces, more than {WorkPlan.SplitTarget} blocks' worth");
                int next = block.KeyStart;
                for (int p = 0; p < mine.Count; p++)
                {
                    var piece = mine[p];
                    string pieceAt = $"{blockAt} piece {p} [{piece.KeyStart}, {piece.KeyEnd})";
                    Assert.True(piece.Sequence == block.Sequence && piece.KvHead == block.KvHead && piece.HeadStart == block.HeadStart
                        && piece.HeadCount == block.HeadCount && piece.RowStart == block.RowStart && piece.RowCount == block.RowCount, $"{pieceAt}: other rows than its block");
                    Assert.True(piece.KeyStart == next, $"{pieceAt}: starts at {piece.KeyStart}, the previous piece ended at {next}");
                    int length = piece.KeyEnd - piece.KeyStart;
                    Assert.True(length >= WorkPlan.MinPieceKeys, $"{pieceAt}: {length} keys < {WorkPlan.MinPieceKeys}");
                    if (p < mine.Count - 1) Assert.True(length % TileKeys == 0, $"{pieceAt}: {length} keys, not whole tiles of {TileKeys}");
                    next = piece.KeyEnd;
                }

                Assert.True(next == block.KeyEnd, $"{blockAt}: pieces end at {next}, the block at {block.KeyEnd}");
                pieceList = string.Join(" ", mine.Select(p => $"[{p.KeyStart},{p.KeyEnd})"));
            }

            shapes.Add((block.Sequence, block.KvHead, block.RowStart), new BlockShape(block.RowCount, block.KeyStart, block.KeyEnd, pieceList));
        }

        for (int b = 0; b < problem.QLens.Length; b++)
        for (int h = range.Start; h < range.Start + range.Count; h++)
        for (int i = 0; i < problem.QLens[b]; i++)
        {
            int times = covered.GetValueOrDefault((b, h, i));
            Assert.True(times == 1, $"{at}: row (seq {b}, head {h}, position {i}) is finished {times} times");
        }

        Assert.Equal(covered.Count, problem.QLens.Sum() * range.Count);
        return shapes;
    }
}
