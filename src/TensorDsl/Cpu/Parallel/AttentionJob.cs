using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TensorDsl.Cpu.Simd;

namespace TensorDsl.Cpu.Parallel;

/// <summary>
/// The fused flash-attention block for one generated spec at one vector width: per <see cref="WorkItem"/>, the
/// block's q rows are packed transposed once, then every K/V tile of its key span is read once for all of them —
/// scores by <see cref="TileKernels{TSimd, TV}.Scores"/>, masks and score steps, the online softmax vectorised
/// over rows, and the weighted values by <see cref="TileKernels{TSimd, TV}.Values"/>.
/// </summary>
/// <remarks>
/// Numerics (docs/design.md, "CPU kernel"): fp32 throughout; the accumulator is the running weighted mean of
/// value rows (rescaled by <c>l·c/l'</c>, weights divided by <c>l'</c>), so values near the fp32 maximum cannot
/// overflow it; a tile whose rows are all hidden is skipped before its scores are computed; a key of weight
/// exactly 0 never multiplies a non-finite value row.
/// </remarks>
internal sealed class AttentionJob<TSimd, TV, TSpec, TQ, TKV, TO> : ParallelJob
    where TSimd : struct, ISimd<TV>
    where TV : struct
    where TSpec : struct, IAttentionSpec
    where TQ : unmanaged
    where TKV : unmanaged
    where TO : unmanaged
{
    /// <summary>Keys per tile: one tile's scores and K/V rows stay in L1 next to the q block.</summary>
    public const int TileKeys = 32;

    private bool _merging;

    /// <summary>The calling thread's job for this instantiation.</summary>
    public static AttentionJob<TSimd, TV, TSpec, TQ, TKV, TO> Current => PerThread.Job ??= new();

    public CallData Call { get; } = new();

    /// <summary>Runs every item, then (when the plan split any block) merges the pieces.</summary>
    public void Execute(int threads)
    {
        var plan = Call.Plan;
        _merging = false;
        Run(plan.ItemCount, threads);
        if (plan.MergeCount > 0)
        {
            _merging = true;
            Run(plan.MergeCount, threads);
        }
    }

    protected override void RunItem(int index)
    {
        var workspace = Workspace.Current;
        if (_merging)
        {
            Merge(Call.Plan.Merges[index], workspace);
        }
        else
        {
            Block(Call.Plan.Items[index], workspace);
        }
    }

    private ScoreInputs Inputs()
    {
        var call = Call;
        return new ScoreInputs
        {
            DefaultScale = call.DefaultScale,
            Side0 = new SideTensor(Pinned.Read<byte>(call.Side0, call.Side0Length), call.Side0Shape),
            Side1 = new SideTensor(Pinned.Read<byte>(call.Side1, call.Side1Length), call.Side1Shape),
            Side2 = new SideTensor(Pinned.Read<byte>(call.Side2, call.Side2Length), call.Side2Shape),
            Side3 = new SideTensor(Pinned.Read<byte>(call.Side3, call.Side3Length), call.Side3Shape),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Block(in WorkItem item, Workspace ws)
    {
        var call = Call;
        int w = TSimd.Count;
        int rows = item.Rows;
        int lanes = (rows + w - 1) / w * w;
        int depth = call.HeadDim, valueDim = call.ValueDim;
        int width = (valueDim + w - 1) / w * w;
        int kvHeads = item.KvHeads; // > 1 only for a decode bundle, which is always by dot products (WorkPlan)
        ws.Ensure(lanes, depth, width, TileKeys);
        ws.EnsureOffsets(kvHeads * TileKeys);

        var inputs = Inputs();
        var k = Pinned.Read<TKV>(call.K, call.KLength);
        var v = Pinned.Read<TKV>(call.V, call.VLength);
        ReadOnlySpan<int> blockTable = call.Paged is { } paged ? paged.BlockTable.Span : default;

        int minLo = int.MaxValue, maxHi = int.MinValue, maxLo = int.MinValue, minHi = int.MaxValue;
        DescribeRows(item, ws, lanes, ref minLo, ref maxHi, ref maxLo, ref minHi);
        // Few rows (a decode's group): dot products along d beat a mostly-padding vector of rows.
        bool byDot = TSimd.Count >= 8 && item.RowCount * item.Group <= TSimd.Count / 2; // by shape, not head range
        PackQueries(item, ws, lanes, byDot, TSpec.ScoreIsScale ? TSpec.Scale(inputs) : 1f);
        bool scaledQueries = typeof(TKV) == typeof(Half) && byDot && ScaleQueries(ws, item.Rows * Call.HeadDim);

        ws.Max.AsSpan(0, lanes).Fill(float.NegativeInfinity);
        ws.Sum.AsSpan(0, lanes).Clear();
        ws.Output.AsSpan(0, lanes * width).Clear();

        // fp32 keys are read in place: the score kernel walks four key rows at a time element by element. A few-row
        // block (a decode) also reads Half/BFloat16 K, and V, in place, widening in registers: each element serves a
        // handful of rows. Otherwise V tiles (and non-fp32 K tiles) are copied, widened, into contiguous scratch:
        // the value kernel streams whole vectors of 32 value rows, and rows of a [B, S, H, D] tensor sit H·D apart —
        // a power of two that maps all of them onto one L1 set. The copy is ~3 % of a tile's work.
        bool keysInPlace = typeof(TKV) == typeof(float) || byDot;
        bool valuesInPlace = byDot && width == valueDim;
        ref TKV keySource = ref MemoryMarshal.GetReference(k);
        ref TKV valueSource = ref MemoryMarshal.GetReference(v);
        ref float keyScratch = ref ws.Keys.Start;
        ref float valueScratch = ref ws.Values.Start;

        if (!keysInPlace) ws.FillRows(ws.KeyRows, depth);
        if (!valuesInPlace) ws.FillRows(ws.ValueRows, width);
        int located = -1; // the first key of the tile whose offsets are in NextKeyOffsets, when any
        int tile = item.TileKeys; // the plan's, by shape: a decode bundle's tiles are shorter (WorkPlan)
        for (int start = minLo; start <= maxHi; start += tile)
        {
            int count = Math.Min(tile, maxHi + 1 - start);
            int last = start + count - 1;
            bool full = !TSpec.HasPredicate && start >= maxLo && last <= minHi;
            // The vectors of rows this tile computes: with a causal, window or chunk mask the rows that see a tile are
            // one run of a block's position-major rows, and a row no key of the tile reaches would come out of it
            // exactly as it went in (carry 1, nothing added), so skipping it changes no bit. A 256-row block's second
            // diagonal tile then costs its lower half nothing (docs/design.md, "CPU kernel").
            int from = 0, to = lanes;
            if (!full)
            {
                if (!KeyRanges(ws, rows, lanes, start, count, out int first, out int end))
                {
                    continue;
                }

                if (!byDot)
                {
                    from = first / w * w;
                    to = Math.Min(lanes, (end + w - 1) / w * w);
                }
            }

            // Within those rows, a masked tile (a causal diagonal) also leaves out, per vector of rows, the keys none
            // of its rows sees: their scores are never computed and their weights are stored as 0 without an exp, and
            // each group of rows of the value kernel stops at its last visible key. Every weight left out is exactly
            // 0, so the sums do not change (docs/design.md, "CPU kernel").
            bool trimmed = !full && !byDot;

            if (located == start)
            {
                ws.SwapOffsets();
            }
            else
            {
                LocateKeys(item, ws.KeyOffsets, ws.ValueOffsets, blockTable, k.Length, v.Length, start, count);
            }

            ReadOnlySpan<int> keyRows = keysInPlace ? ws.KeyOffsets : ws.KeyRows;
            ReadOnlySpan<int> valueRows = valuesInPlace ? ws.ValueOffsets : ws.ValueRows;

            // Start the next tile's K/V rows on their way from memory while this tile computes.
            int next = start + tile;
            int nextCount = 0;
            if (next <= maxHi)
            {
                nextCount = Math.Min(tile, maxHi + 1 - next);
                LocateKeys(item, ws.NextKeyOffsets, ws.NextValueOffsets, blockTable, k.Length, v.Length, next, nextCount);
                if (kvHeads == 1)
                {
                    Prefetch(call.K, ws.NextKeyOffsets.AsSpan(0, nextCount), depth);
                    Prefetch(call.V, ws.NextValueOffsets.AsSpan(0, nextCount), valueDim);
                }

                // A bundle prefetches each KV head's next rows just before that head's part of this tile instead:
                // issued all at once they were one burst of misses for every bundled head, and D1 (1 thread) ran
                // ~15 % slower than with the prefetches spread over the tile.

                located = next;
            }

            if (!keysInPlace)
            {
                for (int t = 0; t < count; t++)
                {
                    VectorMath<TSimd, TV>.Widen(k.Slice(ws.KeyOffsets[t], depth), ws.Keys.AsSpan(t * depth, depth));
                }
            }

            ref float scores = ref ws.Scores.Start;
            // An fp16 tile read in place is checked for ±∞ and NaN first: a finite one (every tile of a sane cache) is
            // widened by the loads' scaled form against q rows times 2^112 (3 operations of 8), or by the finite form
            // when the scaled q would overflow (4 of 8); the same bits either way (docs/design.md, "Where K/V are read").
            bool finiteKeys = typeof(TKV) == typeof(Half) && byDot && TileFinite(item, k, ws.KeyOffsets, count, depth);
            if (finiteKeys && scaledQueries)
            {
                ScoresInPlace(item, ws, ref Unsafe.As<TKV, ScaledHalf>(ref keySource), keyRows, count, nextCount, lanes, rows, depth);
            }
            else if (finiteKeys)
            {
                ScoresInPlace(item, ws, ref Unsafe.As<TKV, FiniteHalf>(ref keySource), keyRows, count, nextCount, lanes, rows, depth);
            }
            else if (byDot)
            {
                ScoresInPlace(item, ws, ref keySource, keyRows, count, nextCount, lanes, rows, depth);
            }
            else
            {
                ref float keys = ref keysInPlace ? ref Unsafe.As<TKV, float>(ref keySource) : ref keyScratch;
                if (!trimmed)
                {
                    TileKernels<TSimd, TV>.Scores(
                        ref Unsafe.Add(ref ws.QueryT.Start, from), lanes, to - from, depth, ref keys, keyRows, count, ref Unsafe.Add(ref scores, from));
                }
                else
                {
                    TrimmedScores(ws, lanes, from, to, depth, ref keys, keyRows, count);
                }
            }

            if (!ScoreAndMask(item, ws, inputs, rows, lanes, start, count, full))
            {
                continue;
            }

            bool anyZero = Softmax(ws, lanes, from, to, count, trimmed);
            ResetDiscardedRows(ws, from, Math.Min(to, rows), width);
            if (!valuesInPlace)
            {
                for (int t = 0; t < count; t++)
                {
                    var row = ws.Values.AsSpan(t * width, width);
                    VectorMath<TSimd, TV>.Widen(v.Slice(ws.ValueOffsets[t], valueDim), row);
                    row.Slice(valueDim).Clear();
                }
            }

            ref float output = ref ws.Output.Start;
            ref float carry = ref ws.Carry.Start;
            if (valuesInPlace && typeof(TKV) == typeof(Half) && TileFinite(item, v, ws.ValueOffsets, count, valueDim))
            {
                ValuesInPlace(item, ws, ref Unsafe.As<TKV, ScaledHalf>(ref valueSource), valueRows, count, nextCount, lanes, rows, width, anyZero);
            }
            else if (valuesInPlace)
            {
                ValuesInPlace(item, ws, ref valueSource, valueRows, count, nextCount, lanes, rows, width, anyZero);
            }
            else
            {
                int run = Math.Min(to, rows) - from;
                AddValues(
                    ref Unsafe.Add(ref scores, from), lanes, run, ref valueScratch, valueRows, count,
                    ref Unsafe.Add(ref output, from * width), width, ref Unsafe.Add(ref carry, from), anyZero,
                    trimmed ? ws.KeyFrom.AsSpan(from, run) : default, trimmed ? ws.KeyTo.AsSpan(from, run) : default);
            }
        }

        if (item.Slot < 0)
        {
            const int Ahead = 8;
            for (int r = 0; r < Math.Min(Ahead, rows); r++)
            {
                PrefetchOutputRow(item, ws, r);
            }

            for (int r = 0; r < rows; r++)
            {
                if (r + Ahead < rows)
                {
                    PrefetchOutputRow(item, ws, r + Ahead);
                }

                Rows.Finish(call, ws.Head[r], item, ws.RowIndex[r], ws.Max[r], ws.Sum[r], ws.Output.AsSpan(r * width, valueDim));
            }
        }
        else
        {
            Rows.Store(call, item, ws.Max, ws.Sum, ws.Output, width);
        }
    }

    /// <summary>
    /// The weighted value rows of one tile, by the careful kernel when some weight is exactly 0 and the tile's
    /// value rows hold ∞ or NaN (0 · ∞ must not reach a row), by the register-blocked one otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddValues<TE>(
        ref float weights, int lanes, int rows, ref TE values, ReadOnlySpan<int> valueRows, int count,
        ref float output, int width, ref float carry, bool anyZero, ReadOnlySpan<int> keyFrom = default, ReadOnlySpan<int> keyTo = default)
        where TE : unmanaged
    {
        if (anyZero && !TileKernels<TSimd, TV>.ValuesFinite(ref values, valueRows, count, width))
        {
            TileKernels<TSimd, TV>.ValuesSkippingZeroWeights(ref weights, lanes, rows, ref values, valueRows, count, ref output, width, ref carry);
        }
        else
        {
            TileKernels<TSimd, TV>.Values(ref weights, lanes, rows, ref values, valueRows, count, ref output, width, ref carry, keyFrom, keyTo);
        }
    }

    /// <summary>
    /// The scores of a few-row block (a decode) by dot products against K rows read in place: one KV head's group, or
    /// a bundle's groups side by side in the lanes, each against its own head's keys. Keys read as
    /// <see cref="ScaledHalf"/> go against the q rows times 2^112 (<see cref="ScaleQueries"/>).
    /// </summary>
    private void ScoresInPlace<TE>(
        in WorkItem item, Workspace ws, ref TE keys, ReadOnlySpan<int> keyRows, int count, int nextCount, int lanes, int rows, int depth)
        where TE : unmanaged
    {
        ref float qRows = ref typeof(TE) == typeof(ScaledHalf) ? ref ws.ScaledQueryRows.Start : ref ws.QueryRows.Start;
        ref float scores = ref ws.Scores.Start;
        if (item.KvHeads == 1)
        {
            TileKernels<TSimd, TV>.ScoresByDot(ref qRows, rows, lanes, lanes, depth, ref keys, keyRows, count, ref scores);
            return;
        }

        for (int h = 0; h < item.KvHeads; h++)
        {
            BundleGroup(item, h, out int lo, out int groupRows);
            Prefetch(Call.K, ws.NextKeyOffsets.AsSpan(h * TileKeys, nextCount), depth);
            TileKernels<TSimd, TV>.ScoresByDot(
                ref Unsafe.Add(ref qRows, lo * depth), groupRows, lanes, groupRows, depth, ref keys,
                keyRows.Slice(h * TileKeys, count), count, ref Unsafe.Add(ref scores, lo));
        }

        for (int t = 0; t < count; t++)
        {
            ws.Scores.AsSpan(t * lanes + rows, lanes - rows).Clear();
        }
    }

    /// <summary>
    /// The weighted value rows of a few-row block, V rows read in place; a bundle's groups each from its own head's rows.
    /// Rows read as <see cref="ScaledHalf"/> go against the weights times 2^112 (each weight ≤ 1, so never overflowing).
    /// </summary>
    private void ValuesInPlace<TE>(
        in WorkItem item, Workspace ws, ref TE values, ReadOnlySpan<int> valueRows, int count, int nextCount, int lanes, int rows, int width, bool anyZero)
        where TE : unmanaged
    {
        if (typeof(TE) == typeof(ScaledHalf))
        {
            var weights = ws.Scores.AsSpan(0, count * lanes);
            System.Numerics.Tensors.TensorPrimitives.Multiply(weights, FiniteHalf.Rebias, weights);
        }

        ref float scores = ref ws.Scores.Start;
        ref float output = ref ws.Output.Start;
        ref float carry = ref ws.Carry.Start;
        if (item.KvHeads == 1)
        {
            AddValues(ref scores, lanes, rows, ref values, valueRows, count, ref output, width, ref carry, anyZero);
            return;
        }

        for (int h = 0; h < item.KvHeads; h++)
        {
            BundleGroup(item, h, out int lo, out int groupRows);
            Prefetch(Call.V, ws.NextValueOffsets.AsSpan(h * TileKeys, nextCount), Call.ValueDim);
            AddValues(
                ref Unsafe.Add(ref scores, lo), lanes, groupRows, ref values, valueRows.Slice(h * TileKeys, count), count,
                ref Unsafe.Add(ref output, lo * width), width, ref Unsafe.Add(ref carry, lo), anyZero);
        }
    }

    /// <summary>
    /// The block's q rows times 2^112 into <c>ScaledQueryRows</c>, for K tiles read as <see cref="ScaledHalf"/>; false
    /// when a scaled row would overflow (|q · scale| ≥ 2^16) or q holds NaN, and those tiles take the finite form instead.
    /// The same bits either way: each product q · k is the same real number.
    /// </summary>
    private static bool ScaleQueries(Workspace ws, int elements)
    {
        if (elements == 0)
        {
            return false;
        }

        ws.ScaledQueryRows.Ensure(elements); // only decodes over fp16 caches use it: grown once, never per call
        var scaled = ws.ScaledQueryRows.AsSpan(0, elements);
        System.Numerics.Tensors.TensorPrimitives.Multiply(ws.QueryRows.AsSpan(0, elements), FiniteHalf.Rebias, scaled);
        return float.IsFinite(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(scaled));
    }

    /// <summary>Whether this tile's fp16 K or V rows (every KV head of the item) hold no ±∞ or NaN.</summary>
    private static bool TileFinite(in WorkItem item, ReadOnlySpan<TKV> data, int[] offsets, int count, int elements)
    {
        var halves = MemoryMarshal.Cast<TKV, ushort>(data);
        for (int h = 0; h < item.KvHeads; h++)
        {
            if (!FiniteHalf.AllFinite(halves, offsets.AsSpan(h * TileKeys, count), elements))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Each row's head, row, position and visible key range, clipped to the item's keys; the block's bounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DescribeRows(in WorkItem item, Workspace ws, int lanes, ref int minLo, ref int maxHi, ref int maxLo, ref int minHi)
    {
        int rows = item.Rows;
        for (int r = 0; r < lanes; r++)
        {
            if (r >= rows)
            {
                // Padding lanes: a zero q row over every key of the block, never written out.
                ws.Low[r] = int.MinValue;
                ws.High[r] = int.MaxValue;
                continue;
            }

            int row = item.RowStart + r / item.HeadCount;
            int position = item.KvLength - item.QueryLength + row;
            ws.Head[r] = item.HeadStart + r % item.HeadCount;
            ws.RowIndex[r] = row;
            ws.Position[r] = position;
            TSpec.Mask.Range(position, item.KvLength, out int lo, out int hi);
            lo = Math.Max(lo, item.KeyStart);
            hi = Math.Min(hi, item.KeyEnd - 1);
            ws.Low[r] = lo;
            ws.High[r] = hi;
            if (hi >= lo)
            {
                minLo = Math.Min(minLo, lo);
                maxHi = Math.Max(maxHi, hi);
            }

            maxLo = Math.Max(maxLo, lo);
            minHi = Math.Min(minHi, hi);
        }
    }

    /// <summary>
    /// Widens the block's q rows to fp32, times <paramref name="scale"/> (the whole score step when the spec is a
    /// plain scale: scaling q once replaces scaling every score), and stores them transposed,
    /// <c>qt[d · lanes + r]</c> with zero padding lanes, or row-major for <paramref name="byDot"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackQueries(in WorkItem item, Workspace ws, int lanes, bool byDot, float scale)
    {
        var call = Call;
        var q = Pinned.Read<TQ>(call.Q, call.QLength);
        int depth = call.HeadDim;
        var qt = ws.QueryT.AsSpan(0, depth * lanes);
        if (typeof(TQ) == typeof(float) && !byDot)
        {
            PackFloatQueriesByColumn(item, ws, lanes, Pinned.Read<float>(call.Q, call.QLength), scale);
            return;
        }

        for (int r = 0; r < lanes; r++)
        {
            if (r >= item.Rows)
            {
                if (!byDot)
                {
                    for (int d = 0; d < depth; d++) qt[d * lanes + r] = 0f;
                }

                continue;
            }

            var row = ws.QueryRows.AsSpan(r * depth, depth);
            int offset = call.QAddress.Offset(item.Sequence, ws.Head[r], ws.RowIndex[r], item.QueryStart);
            VectorMath<TSimd, TV>.Widen(q.Slice(offset, depth), row);
            if (scale != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, scale, row);
            }

            if (!byDot)
            {
                for (int d = 0; d < depth; d++) qt[d * lanes + r] = row[d];
            }
        }
    }

    /// <summary>
    /// <see cref="PackQueries"/> for fp32 q into <c>qt</c>: eight rows at a time, one d after another, read in place
    /// and written as eight adjacent lanes — the same products <c>q · scale</c> as widening each row, scaling it and
    /// storing it transposed, without the row copy and the scaling pass (their first touch of q was most of P2's
    /// packing time: docs/benchmarks.md, "Per-tile work").
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackFloatQueriesByColumn(in WorkItem item, Workspace ws, int lanes, ReadOnlySpan<float> q, float scale)
    {
        var call = Call;
        int depth = call.HeadDim, rows = item.Rows;
        var offsets = ws.QueryOffsets.AsSpan(0, rows);
        for (int r = 0; r < rows; r++)
        {
            int offset = call.QAddress.Offset(item.Sequence, ws.Head[r], ws.RowIndex[r], item.QueryStart);
            if ((uint)offset > (uint)(q.Length - depth))
            {
                ThrowQueryOutside();
            }

            offsets[r] = offset;
        }

        ref float source = ref MemoryMarshal.GetReference(q);
        ref float qt = ref ws.QueryT.Start;
        ref int offset0 = ref MemoryMarshal.GetReference(offsets);
        // Eight rows at a time: their current source lines stay in L1 even when every row maps to the same L1 set
        // (rows H·D floats apart, a power of two, as in P3). All the block's rows per d (up to 128 lines in one set)
        // left P3 no faster: each line was evicted before its next d.
        for (int r0 = 0; r0 < rows; r0 += 8)
        {
            int group = Math.Min(8, rows - r0);
            ref int groupOffsets = ref Unsafe.Add(ref offset0, r0);
            // The next eight rows on their way while these are transposed: a block's q rows are read once, from
            // memory, H·D floats apart (P2 −2 % in one process, P1 and P3 level; docs/benchmarks.md).
            if (r0 + 16 <= rows)
            {
                PrefetchRows(call.Q, offsets.Slice(r0 + 8, 8), depth, sizeof(float));
            }

            if (group == 8)
            {
                Transpose8.Rows(ref source, ref groupOffsets, depth, ref Unsafe.Add(ref qt, r0), lanes, scale);
                continue;
            }

            for (int d = 0; d < depth; d++)
            {
                ref float column = ref Unsafe.Add(ref qt, d * lanes + r0);
                ref float at = ref Unsafe.Add(ref source, d);
                if (scale != 1f)
                {
                    for (int r = 0; r < group; r++)
                    {
                        Unsafe.Add(ref column, r) = Unsafe.Add(ref at, Unsafe.Add(ref groupOffsets, r)) * scale;
                    }
                }
                else
                {
                    for (int r = 0; r < group; r++)
                    {
                        Unsafe.Add(ref column, r) = Unsafe.Add(ref at, Unsafe.Add(ref groupOffsets, r));
                    }
                }
            }
        }

        for (int d = 0; d < depth; d++)
        {
            for (int r = rows; r < lanes; r++)
            {
                Unsafe.Add(ref qt, d * lanes + r) = 0f;
            }
        }
    }

    /// <summary>
    /// The rows <c>[lo, lo + rows)</c> of a bundle's <paramref name="index"/>-th KV head: its query heads within
    /// the item's head range (a bundle has one position, so row r is query head <c>HeadStart + r</c>).
    /// </summary>
    private static void BundleGroup(in WorkItem item, int index, out int lo, out int rows)
    {
        int kvHead = item.KvHead + index;
        int first = Math.Max(item.HeadStart, kvHead * item.Group);
        int end = Math.Min(item.HeadStart + item.HeadCount, (kvHead + 1) * item.Group);
        lo = first - item.HeadStart;
        rows = end - first;
    }

    /// <summary>
    /// Each row's keys of the tile <c>[start, start + count)</c>, tile-relative, in <c>KeyFrom</c>/<c>KeyTo</c>
    /// (padding lanes and rows that see none: empty), and each vector of rows' in <c>VectorKeyFrom</c>/<c>VectorKeyTo</c>.
    /// Returns whether any row sees a key, and the run of rows <c>[first, end)</c> from the first to the last that does
    /// (rows between that do not are computed anyway).
    /// </summary>
    private static bool KeyRanges(Workspace ws, int rows, int lanes, int start, int count, out int first, out int end)
    {
        first = -1;
        end = 0;
        for (int r = 0; r < lanes; r++)
        {
            int from = count, to = 0;
            if (r < rows && ws.High[r] >= ws.Low[r])
            {
                long lo = (long)ws.Low[r] - start, hi = (long)ws.High[r] - start + 1;
                if (lo < count && hi > 0)
                {
                    from = (int)Math.Max(lo, 0);
                    to = (int)Math.Min(hi, count);
                    if (first < 0) first = r;
                    end = r + 1;
                }
            }

            ws.KeyFrom[r] = from;
            ws.KeyTo[r] = to;
        }

        int w = TSimd.Count;
        for (int v = 0; v < lanes / w; v++)
        {
            int from = count, to = 0;
            for (int r = v * w; r < (v + 1) * w; r++)
            {
                from = Math.Min(from, ws.KeyFrom[r]);
                to = Math.Max(to, ws.KeyTo[r]);
            }

            ws.VectorKeyFrom[v] = from;
            ws.VectorKeyTo[v] = to;
        }

        return first >= 0;
    }

    /// <summary>
    /// The scores of a masked tile, eight keys at a time (the register-blocked kernels' step), each over the run of
    /// row vectors that sees one of them; the scores left out are hidden keys, which the mask then sets to −∞.
    /// </summary>
    private static void TrimmedScores(Workspace ws, int lanes, int from, int to, int depth, ref float keys, ReadOnlySpan<int> keyRows, int count)
    {
        const int Step = 8;
        int w = TSimd.Count;
        for (int j = 0; j < count; j += Step)
        {
            int n = Math.Min(Step, count - j);
            int v0 = from / w, v1 = to / w;
            while (v0 < v1 && !Sees(ws, v0, j, j + n)) v0++;
            while (v1 > v0 && !Sees(ws, v1 - 1, j, j + n)) v1--;
            if (v0 < v1)
            {
                TileKernels<TSimd, TV>.Scores(
                    ref Unsafe.Add(ref ws.QueryT.Start, v0 * w), lanes, (v1 - v0) * w, depth, ref keys, keyRows.Slice(j, n), n,
                    ref Unsafe.Add(ref ws.Scores.Start, j * lanes + v0 * w));
            }
        }

        static bool Sees(Workspace ws, int vector, int first, int end) =>
            ws.VectorKeyFrom[vector] < end && ws.VectorKeyTo[vector] > first;
    }

    /// <summary>
    /// The K and V row offsets of keys <c>[start, start + count)</c> of each of the item's KV heads (head h's at
    /// <c>h · TileKeys</c>), each checked to lie inside its span, so the
    /// unchecked tile loops stay in bounds whatever the metadata says.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LocateKeys(
        in WorkItem item, int[] keyOffsets, int[] valueOffsets, ReadOnlySpan<int> blockTable, int kLength, int vLength, int start, int count)
    {
        var call = Call;
        int depth = call.HeadDim, valueDim = call.ValueDim;
        for (int h = 0; h < item.KvHeads; h++)
        {
            var keys = keyOffsets.AsSpan(h * TileKeys, count);
            var values = valueOffsets.AsSpan(h * TileKeys, count);
            call.KAddress.Offsets(item.Sequence, item.KvHead + h, start, count, item.KvStart, blockTable, call.MaxBlocks, keys);
            call.VAddress.Offsets(item.Sequence, item.KvHead + h, start, count, item.KvStart, blockTable, call.MaxBlocks, values);
            for (int t = 0; t < count; t++)
            {
                if ((uint)keys[t] > (uint)(kLength - depth) || (uint)values[t] > (uint)(vLength - valueDim))
                {
                    ThrowOutside();
                }
            }
        }
    }

    /// <summary>
    /// A software prefetch of row <paramref name="r"/>'s output row, a few rows before it is written: the rows are
    /// written once, into memory, and without it each row's stores wait on its lines' reads (2 threads: P2 −1.3 to
    /// −2.5 %, M1 −1 to −1.7 %; 1 thread ≤ 1 %; in one process, docs/benchmarks.md, "Third round").
    /// </summary>
    private void PrefetchOutputRow(in WorkItem item, Workspace ws, int r)
    {
        var call = Call;
        int offset = call.OutputAddress.Offset(item.Sequence, ws.Head[r], ws.RowIndex[r], item.QueryStart);
        if (offset >= 0 && (long)offset + call.ValueDim <= call.OutputLength)
        {
            PrefetchRows(call.Output, new ReadOnlySpan<int>(in offset), call.ValueDim, Unsafe.SizeOf<TO>());
        }
    }

    /// <summary>A software prefetch of each K or V row's cache lines.</summary>
    private static unsafe void Prefetch(nint tensor, ReadOnlySpan<int> offsets, int elements) =>
        PrefetchRows(tensor, offsets, elements, sizeof(TKV));

    /// <summary>
    /// A software prefetch of each row's cache lines (x86 only; elsewhere the hardware prefetchers alone): rows of
    /// <paramref name="elements"/> elements of <paramref name="elementSize"/> bytes at element offsets the caller has
    /// checked lie inside the tensor.
    /// </summary>
    private static unsafe void PrefetchRows(nint tensor, ReadOnlySpan<int> offsets, int elements, int elementSize)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            return;
        }

        int bytes = elements * elementSize;
        for (int t = 0; t < offsets.Length; t++)
        {
            byte* row = (byte*)tensor + (long)offsets[t] * elementSize;
            for (int x = 0; x < bytes; x += 64)
            {
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(row + x);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowQueryOutside() =>
        throw new ArgumentOutOfRangeException("q", "A query row lies outside the q tensor.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOutside() =>
        throw new InvalidOperationException("A K/V row lies outside its span: the metadata changed while the kernel ran.");

    /// <summary>
    /// Applies the score steps and the masks to one tile's dot products. Hidden keys become −∞ without their score
    /// steps being evaluated. Returns false when every row of the tile is hidden (nothing to add).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ScoreAndMask(in WorkItem item, Workspace ws, in ScoreInputs inputs, int rows, int lanes, int start, int count, bool full)
    {
        var scores = ws.Scores.AsSpan(0, count * lanes);
        if (TSpec.ScoreIsScale && full)
        {
            return true; // the scale is already in q (PackQueries)
        }

        if (TSpec.ScoreIsScale && !TSpec.HasPredicate)
        {
            MaskRanges(ws, lanes, count);
            return true; // KeyRanges found a row that sees a key of this tile
        }

        bool any = false;
        for (int t = 0; t < count; t++)
        {
            int key = start + t;
            var line = scores.Slice(t * lanes, lanes);
            for (int r = 0; r < rows; r++)
            {
                bool visible = full || (key >= ws.Low[r] && key <= ws.High[r]
                    && (!TSpec.HasPredicate || TSpec.Visible(item.Sequence, ws.Head[r], ws.Position[r], key)));
                if (!visible)
                {
                    line[r] = float.NegativeInfinity;
                    continue;
                }

                any = true;
                if (!TSpec.ScoreIsScale)
                {
                    line[r] = TSpec.Score(inputs, item.Sequence, ws.Head[r], ws.RowIndex[r], ws.Position[r], key, line[r]);
                }
            }
        }

        return any;
    }

    /// <summary>
    /// Hides, lane-wise, every key outside its row's range (<see cref="KeyRanges"/>): tile-relative bounds are exact
    /// small floats, so two compares per vector decide each key.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaskRanges(Workspace ws, int lanes, int count)
    {
        var low = ws.Carry.AsSpan(0, lanes); // scratch until Softmax writes the carries
        var high = ws.Row.AsSpan(0, lanes);
        for (int r = 0; r < lanes; r++)
        {
            low[r] = ws.KeyFrom[r];
            high[r] = ws.KeyTo[r] - 1;
        }

        var hidden = TSimd.Broadcast(float.NegativeInfinity);
        ref float s = ref ws.Scores.Start;
        for (int r = 0; r < lanes; r += TSimd.Count)
        {
            TV lo = TSimd.Load(ref low[r]);
            TV hi = TSimd.Load(ref high[r]);
            for (int t = 0; t < count; t++)
            {
                ref float st = ref Unsafe.Add(ref s, t * lanes + r);
                TV key = TSimd.Broadcast(t);
                TV value = TSimd.SelectLess(key, lo, hidden, TSimd.Load(ref st));
                TSimd.Store(TSimd.SelectLess(hi, key, hidden, value), ref st);
            }
        }
    }

    /// <summary>
    /// A carry of exactly 0 means everything a row held weighs nothing next to this tile (its maximum rose by more
    /// than ~87): the row restarts from 0 rather than from <c>accumulator · 0</c>, which is NaN for an accumulator
    /// holding ∞ — keys of weight 0 never reach the output (docs/semantics.md §10).
    /// </summary>
    private static void ResetDiscardedRows(Workspace ws, int from, int to, int width)
    {
        var carry = ws.Carry;
        for (int r = from; r < to; r++)
        {
            if (carry[r] == 0f)
            {
                ws.Output.AsSpan(r * width, width).Clear();
                carry[r] = 1f;
            }
        }
    }

    /// <summary>
    /// The online-softmax update of one tile, lane-wise over rows: new maxima and sums, each row's carry factor
    /// <c>l·c/l'</c>, and the tile's weights <c>e^(s − m')/l'</c> in place of its scores. Returns whether any
    /// weight is exactly 0. When <paramref name="trimmed"/>, a vector of rows computes only the keys its rows see
    /// (<see cref="KeyRanges"/>) and stores 0 for the rest: the hidden keys' <c>e^(−∞)</c>, without the exp.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Softmax(Workspace ws, int lanes, int from, int to, int count, bool trimmed)
    {
        int w = TSimd.Count;
        bool anyZero = false;
        ref float s = ref ws.Scores.Start;
        var negativeInfinity = TSimd.Broadcast(float.NegativeInfinity);
        for (int r = from; r < to; r += w)
        {
            int first = trimmed ? ws.VectorKeyFrom[r / w] : 0;
            int end = trimmed ? ws.VectorKeyTo[r / w] : count;
            if (first > 0 || end < count)
            {
                anyZero = true;
                for (int t = 0; t < first; t++)
                {
                    TSimd.Store(TSimd.Zero, ref Unsafe.Add(ref s, t * lanes + r));
                }

                for (int t = Math.Max(end, first); t < count; t++)
                {
                    TSimd.Store(TSimd.Zero, ref Unsafe.Add(ref s, t * lanes + r));
                }
            }

            TV oldMax = TSimd.Load(ref ws.Max[r]);
            TV oldSum = TSimd.Load(ref ws.Sum[r]);
            TV tileMax = negativeInfinity;
            for (int t = first; t < end; t++)
            {
                tileMax = TSimd.Max(tileMax, TSimd.Load(ref Unsafe.Add(ref s, t * lanes + r)));
            }

            TV newMax = TSimd.Max(oldMax, tileMax);
            TV shift = TSimd.SelectEqual(newMax, negativeInfinity, TSimd.Zero, newMax); // no key yet: e^(−∞ − 0) = 0, not NaN
            TV correction = VectorMath<TSimd, TV>.Exp(TSimd.Subtract(oldMax, shift));
            TV sum = TSimd.Zero;
            TV least = TSimd.Broadcast(1f); // weights are ≤ 1: whether any is exactly 0, tested once per row vector
            for (int t = first; t < end; t++)
            {
                ref float st = ref Unsafe.Add(ref s, t * lanes + r);
                TV p = VectorMath<TSimd, TV>.Exp(TSimd.Subtract(TSimd.Load(ref st), shift));
                least = TSimd.Min(p, least); // a NaN weight yields `least`, so a 0 already seen is never lost
                TSimd.Store(p, ref st);
                sum = TSimd.Add(sum, p);
            }

            anyZero |= TSimd.AnyZero(least);

            TV kept = TSimd.Multiply(oldSum, correction);
            TV newSum = TSimd.Add(kept, sum);
            TV inverse = TSimd.SelectEqual(newSum, TSimd.Zero, TSimd.Zero, TSimd.Divide(TSimd.Broadcast(1f), newSum));
            for (int t = first; t < end; t++)
            {
                ref float st = ref Unsafe.Add(ref s, t * lanes + r);
                TSimd.Store(TSimd.Multiply(TSimd.Load(ref st), inverse), ref st);
            }

            TSimd.Store(newMax, ref ws.Max[r]);
            TSimd.Store(newSum, ref ws.Sum[r]);
            // kept / l', not kept · (1/l'): a row this tile adds nothing to keeps exactly its accumulator (carry 1),
            // so a row's result never depends on which other rows share its block.
            TSimd.Store(TSimd.SelectEqual(newSum, TSimd.Zero, TSimd.Zero, TSimd.Divide(kept, newSum)), ref ws.Carry[r]);
        }

        return anyZero;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Merge(in WorkItem merge, Workspace ws)
    {
        var call = Call;
        int rows = merge.Rows, valueDim = call.ValueDim;
        ws.Ensure(rows, 1, valueDim, 1);
        DescribeMergedRows(merge, ws);
        var mean = ws.Row.AsSpan(0, valueDim);
        for (int r = 0; r < rows; r++)
        {
            Rows.Merge(call, merge, r, mean, out float max, out float sum);
            Rows.Finish(call, ws.Head[r], merge, ws.RowIndex[r], max, sum, mean);
        }
    }

    private static void DescribeMergedRows(in WorkItem item, Workspace ws)
    {
        for (int r = 0; r < item.Rows; r++)
        {
            ws.Head[r] = item.HeadStart + r % item.HeadCount;
            ws.RowIndex[r] = item.RowStart + r / item.HeadCount;
        }
    }

    /// <summary>Row finishing, partial stores and merges, independent of the vector width.</summary>
    private static class Rows
    {
        /// <summary>Normalises one row (sinks join the denominator only) and writes its output and LSE.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Finish(CallData call, int head, in WorkItem item, int row, float max, float sum, Span<float> mean)
        {
            var output = Pinned.Write<TO>(call.Output, call.OutputLength);
            var lse = Pinned.Write<float>(call.Lse, call.LseLength);
            var sinks = Pinned.Read<float>(call.Sinks, call.SinksLength);
            var outputRow = output.Slice(call.OutputAddress.Offset(item.Sequence, head, row, item.QueryStart), call.ValueDim);
            int lseIndex = call.Varlen
                ? head * call.Tokens + item.QueryStart + row
                : (item.Sequence * call.QueryHeads + head) * item.QueryLength + row;
            if (sum == 0f)
            {
                // No visible key: output 0 and LSE −∞, never NaN (sinks included).
                outputRow.Clear();
                if (!lse.IsEmpty) lse[lseIndex] = float.NegativeInfinity;
                return;
            }

            float factor = 1f; // the accumulator is already the weighted mean
            float logSumExp;
            if (sinks.IsEmpty)
            {
                logSumExp = max + MathF.Log(sum);
            }
            else
            {
                float sink = sinks[head];
                float all = MathF.Max(max, sink);
                float keep = MathF.Exp(max - all);
                float denominator = sum * keep + MathF.Exp(sink - all);
                factor = sum * keep / denominator;
                logSumExp = all + MathF.Log(denominator);
            }

            if (!lse.IsEmpty) lse[lseIndex] = logSumExp;
            if (factor == 0f)
            {
                outputRow.Clear(); // every key weighs 0 next to the sink: 0, not mean · 0 (NaN for an infinite mean)
                return;
            }

            Element<TO>.Narrow(mean, factor, outputRow);
        }

        /// <summary>Saves one piece's rows (maximum, sum, weighted mean) to its slot.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Store(CallData call, in WorkItem item, AlignedFloats max, AlignedFloats sum, AlignedFloats output, int width)
        {
            int rows = item.Rows, valueDim = call.ValueDim, maxRows = call.Plan.MaxRows;
            var slot = call.Partials.AsSpan(item.Slot * call.SlotStride, call.SlotStride);
            max.AsSpan(0, rows).CopyTo(slot);
            sum.AsSpan(0, rows).CopyTo(slot.Slice(maxRows));
            for (int r = 0; r < rows; r++)
            {
                output.AsSpan(r * width, valueDim).CopyTo(slot.Slice(2 * maxRows + r * valueDim));
            }
        }

        /// <summary>
        /// Combines row <paramref name="r"/> of a split block's pieces, in piece order, through their maxima and sums:
        /// <c>m = max m_p</c>, <c>l = Σ l_p e^(m_p − m)</c>, <c>mean = Σ mean_p · l_p e^(m_p − m) / l</c>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Merge(CallData call, in WorkItem merge, int r, Span<float> mean, out float max, out float sum)
        {
            int maxRows = call.Plan.MaxRows, valueDim = call.ValueDim, stride = call.SlotStride;
            var partials = call.Partials.AsSpan(merge.Slot * stride, merge.Pieces * stride);
            max = float.NegativeInfinity;
            for (int p = 0; p < merge.Pieces; p++)
            {
                var slot = partials.Slice(p * stride, stride);
                if (slot[maxRows + r] != 0f) max = MathF.Max(max, slot[r]);
            }

            sum = 0f;
            for (int p = 0; p < merge.Pieces; p++)
            {
                var slot = partials.Slice(p * stride, stride);
                if (slot[maxRows + r] != 0f) sum += slot[maxRows + r] * MathF.Exp(slot[r] - max);
            }

            mean.Clear();
            if (sum == 0f || float.IsNaN(sum))
            {
                if (float.IsNaN(sum)) mean.Fill(float.NaN);
                return;
            }

            for (int p = 0; p < merge.Pieces; p++)
            {
                var slot = partials.Slice(p * stride, stride);
                float pieceSum = slot[maxRows + r];
                if (pieceSum == 0f) continue;
                float weight = pieceSum * MathF.Exp(slot[r] - max) / sum;
                if (weight == 0f) continue; // a piece of weight 0 adds nothing, not 0 · ∞
                var pieceMean = slot.Slice(2 * maxRows + r * valueDim, valueDim);
                for (int c = 0; c < valueDim; c++) mean[c] += weight * pieceMean[c];
            }
        }
    }

    /// <summary>
    /// The thread-static cache lives in a class of its own: a thread-static field on the job class itself would
    /// make every static helper above look its thread-static base up on each call.
    /// </summary>
    private static class PerThread
    {
        [ThreadStatic] public static AttentionJob<TSimd, TV, TSpec, TQ, TKV, TO>? Job;
    }
}
