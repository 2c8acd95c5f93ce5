using System;
using System.Buffers;
using System.Numerics.Tensors;
using TensorDsl.Cpu;
using static System.FormattableString;

namespace TensorDsl.Spyre;

/// <summary>
/// The host side of the Spyre program (docs/spyre.md#host-preparation): cache writes from <c>slot_mapping</c>, the gather of
/// each sequence's pages into contiguous K/V padded to the KV bucket, GQA placement without duplication, the additive
/// fp16 mask, and the way back from the program's output to flat <c>[T, Hq, D]</c>. The KV cache is vLLM-on-Spyre's
/// stacked <c>[num_blocks, 2, block_size, Hkv, D]</c>. Every entry point validates all metadata first and throws
/// <see cref="ShapeException"/> naming the parameter before touching any buffer.
/// </summary>
public static partial class SpyreHost
{
    /// <summary>fp16's lowest finite value: the additive mask of a hidden key.</summary>
    public static readonly Half MaskedValue = (Half)(-65504f);

    /// <summary>The cache's block count, after checking its length is whole blocks.</summary>
    public static int CacheBlocks(SpyreKernelSpec spec, int cacheLength)
    {
        ArgumentNullException.ThrowIfNull(spec);
        long block = 2L * spec.BlockSize * spec.KvHeads * spec.HeadSize;
        if (cacheLength % block != 0)
        {
            throw new ShapeException("kvCache", "length", Invariant($"a multiple of 2 × BlockSize {spec.BlockSize} × Hkv {spec.KvHeads} × D {spec.HeadSize} = {block}"), cacheLength);
        }

        return (int)(cacheLength / block);
    }

    /// <summary>
    /// vLLM's <c>reshape_and_cache</c> on the stacked cache: token <c>t</c>'s <paramref name="newKeys"/> and
    /// <paramref name="newValues"/> rows (<c>[T, Hkv, D]</c>) go to slot <c>slot_mapping[t]</c> (negative: skipped).
    /// A slot out of range or written twice is rejected before anything is written.
    /// </summary>
    public static void WriteCache(SpyreKernelSpec spec, ReadOnlySpan<Half> newKeys, ReadOnlySpan<Half> newValues, Span<Half> kvCache, PagedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(batch);
        CacheBlocks(spec, kvCache.Length);
        var slots = batch.SlotMapping.Span;
        if (slots.Length != batch.NumTokens)
        {
            throw new ShapeException("slotMapping", "length", Invariant($"T = {batch.NumTokens}"), slots.Length);
        }

        // One cache writer for every target (docs/design.md, "Where does X live"): the stacked [N, 2, BlockSize, Hkv, D]
        // cache is the CPU's BlocksFirst layout, with the same slot rules (in range, none twice, negative skipped).
        PagedCache.Write(newKeys, newValues, kvCache, KvCacheLayout.BlocksFirst, slots, spec.BlockSize, spec.KvHeads, spec.HeadSize);
    }

    /// <summary>
    /// Prepares the device inputs of one batch into <paramref name="into"/> (reused; a new one when null): q from flat
    /// <c>[T, Hq, D]</c> placed as <c>[B·Hkv, G, Qp, D]</c> (no head duplicated), each sequence's pages gathered into
    /// <c>[B·Hkv, 1, L, D]</c> K and V with zero rows past its length (keys minus their mean when
    /// <see cref="SpyreKernelSpec.ShiftKeys"/>), and the mask <c>[B·Hkv, 1, Qp, L]</c>: 0 where a key is visible (valid,
    /// bottom-right causal, window, chunk), −65504 elsewhere, padding rows fully masked. The whole batch is one launch,
    /// shaped by <see cref="SpyreKernelSpec.Bucketing"/>; a server uses <see cref="PrepareStep"/>.
    /// </summary>
    public static SpyreInputs Prepare(SpyreKernelSpec spec, ReadOnlySpan<Half> query, ReadOnlySpan<Half> kvCache, PagedBatch batch, SpyreInputs? into = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(batch);
        int blocks = CacheBlocks(spec, kvCache.Length);
        batch.Validate(blocks, spec.BlockSize);
        int tokens = batch.NumTokens;
        int hq = spec.QueryHeads, d = spec.HeadSize;
        long qExpected = (long)tokens * hq * d;
        if (query.Length != qExpected)
        {
            throw new ShapeException("query", "length", Invariant($"T {tokens} × Hq {hq} × D {d} = {qExpected}"), query.Length);
        }

        var bucketing = spec.Bucketing;
        int sequences = batch.NumSequences;
        var inputs = into ?? new SpyreInputs();
        Fill(spec, query, kvCache, batch, default, bucketing.PadBatch(sequences), bucketing.PadQuery(batch.MaxQueryLen), bucketing.PadKv(batch.MaxSeqLen), inputs);
        return inputs;
    }

    /// <summary>
    /// Fills <paramref name="inputs"/> with the sequences <paramref name="members"/> of a validated batch (all of them, in
    /// order, when empty) as a program of batch <paramref name="padded"/>, query length <paramref name="qp"/> and KV length
    /// <paramref name="l"/>: slot <c>b</c> holds sequence <c>members[b]</c>, slots past the members are padding.
    /// </summary>
    internal static void Fill(SpyreKernelSpec spec, ReadOnlySpan<Half> query, ReadOnlySpan<Half> kvCache, PagedBatch batch, ReadOnlySpan<int> members, int padded, int qp, int l, SpyreInputs inputs)
    {
        int hq = spec.QueryHeads, hkv = spec.KvHeads, g = spec.Group, d = spec.HeadSize, bs = spec.BlockSize;
        var starts = batch.QueryStartLoc.Span;
        var lens = batch.SeqLens.Span;
        var table = batch.BlockTable.Span;
        int sequences = members.IsEmpty ? batch.NumSequences : members.Length;
        int tokens = 0;
        for (int b = 0; b < sequences; b++)
        {
            int m = members.IsEmpty ? b : members[b];
            tokens += starts[m + 1] - starts[m];
        }

        inputs.Reset(spec, sequences, padded, qp, l, tokens, batch.NumTokens);
        var q = inputs.Query;
        var k = inputs.Key;
        var v = inputs.Value;
        var mask = inputs.Mask;
        var rows = inputs.TokenRows;
        var ids = inputs.TokenIds;
        int cacheRow = hkv * d;
        int blockStride = 2 * bs * cacheRow;
        int planeQ = qp * d, planeKv = l * d, planeMask = qp * l;
        int token = 0;
        var keyMask = spec.KeyMask; // once per call: the rows below ask it for their key ranges

        for (int b = 0; b < padded; b++)
        {
            bool real = b < sequences;
            int m = !real ? 0 : members.IsEmpty ? b : members[b];
            int start = real ? starts[m] : 0;
            int lq = real ? starts[m + 1] - start : 0;
            int lk = real ? lens[m] : 0;

            // Queries: head h of token start+i → [b·Hkv + h/G, h%G, i, :]; rows past lq are zero.
            for (int h = 0; h < hq; h++)
            {
                var plane = q.Slice(((b * hkv) + h / g) * g * planeQ + h % g * planeQ, planeQ);
                for (int i = 0; i < lq; i++)
                {
                    query.Slice(((start + i) * hq + h) * d, d).CopyTo(plane.Slice(i * d, d));
                }

                plane.Slice(lq * d).Clear();
            }

            for (int i = 0; i < lq; i++, token++)
            {
                rows[token] = b * qp + i;
                ids[token] = start + i;
            }

            // Keys and values: the sequence's pages in order, zero past lk (a masked key must hold no inf/NaN).
            for (int kh = 0; kh < hkv; kh++)
            {
                var kPlane = k.Slice((b * hkv + kh) * planeKv, planeKv);
                var vPlane = v.Slice((b * hkv + kh) * planeKv, planeKv);
                for (int j = 0; j < lk;)
                {
                    int block = table[m * batch.MaxBlocksPerSequence + j / bs];
                    int offset = j % bs;
                    int run = Math.Min(bs - offset, lk - j);
                    int src = block * blockStride + offset * cacheRow + kh * d;
                    for (int r = 0; r < run; r++)
                    {
                        kvCache.Slice(src + r * cacheRow, d).CopyTo(kPlane.Slice((j + r) * d, d));
                        kvCache.Slice(src + bs * cacheRow + r * cacheRow, d).CopyTo(vPlane.Slice((j + r) * d, d));
                    }

                    j += run;
                }

                kPlane.Slice(lk * d).Clear();
                vPlane.Slice(lk * d).Clear();
                if (spec.ShiftKeys)
                {
                    SubtractMeanKey(kPlane.Slice(0, lk * d), lk, d);
                }
            }

            // The mask: one [Qp, L] plane per sequence, built once and copied to its Hkv planes.
            var first = mask.Slice(b * hkv * planeMask, planeMask);
            first.Fill(MaskedValue);
            for (int i = 0; i < lq; i++)
            {
                var (lo, hi) = VisibleRange(keyMask, lk - lq + i, lk);
                if (lo <= hi)
                {
                    first.Slice(i * l + lo, hi - lo + 1).Clear();
                }
            }

            for (int kh = 1; kh < hkv; kh++)
            {
                first.CopyTo(mask.Slice((b * hkv + kh) * planeMask, planeMask));
            }
        }
    }

    /// <summary>
    /// Subtracts the reference key <c>r</c> — the mean of the <paramref name="rows"/> keys, rounded to fp16 — from each
    /// key, each difference rounded to fp16 once. The mean is computed so that any implementation gets the same bits
    /// (the emitted Python preparation does, tested): the column sums are exact (below), then rounded once each to
    /// double (÷ rows), float and fp16. A column holding inf/NaN keeps r = 0, so the non-finite key reaches only the rows
    /// that see it, as without the shift.
    /// </summary>
    private static void SubtractMeanKey(Span<Half> keys, int rows, int d)
    {
        if (rows == 0)
        {
            return;
        }

        // Exact sums: an fp16 value is an integer multiple of 2^−24 below 2^16, so a double holds the sum of up to 2^13 of
        // them exactly (< 2^53 units); each such partial sum, times 2^24, is an exact long, and the partials add in Int128.
        const int Chunk = 1 << 13;
        const double Unit = 16777216.0; // 2^24
        const int Tile = 4096;          // floats converted at once (whole rows)
        int tileRows = Math.Max(1, Tile / d);
        Span<Int128> sums = d <= 512 ? stackalloc Int128[d] : new Int128[d];
        Span<double> partial = d <= 512 ? stackalloc double[d] : new double[d];
        Span<double> wide = d <= 512 ? stackalloc double[d] : new double[d];
        Span<bool> finite = d <= 512 ? stackalloc bool[d] : new bool[d];
        Span<float> tile = tileRows * d <= Tile ? stackalloc float[Tile] : new float[tileRows * d];
        sums.Clear();
        finite.Fill(true);
        for (int from = 0; from < rows; from += Chunk)
        {
            partial.Clear();
            int to = Math.Min(rows, from + Chunk);
            for (int j = from; j < to; j += tileRows)
            {
                int count = Math.Min(tileRows, to - j);
                var values = tile.Slice(0, count * d);
                TensorPrimitives.ConvertToSingle(keys.Slice(j * d, count * d), values);
                for (int r = 0; r < count; r++)
                {
                    TensorPrimitives.ConvertChecked<float, double>(values.Slice(r * d, d), wide);
                    TensorPrimitives.Add(partial, wide, partial);
                }
            }

            for (int x = 0; x < d; x++)
            {
                if (double.IsFinite(partial[x]))
                {
                    sums[x] += (long)(partial[x] * Unit);
                }
                else
                {
                    finite[x] = false; // an inf or NaN in the column (a NaN, or infinities cancelling, ends as NaN)
                }
            }
        }

        Span<float> reference = tile.Slice(0, tileRows * d);
        for (int x = 0; x < d; x++)
        {
            double total = sums[x] >= long.MinValue && sums[x] <= long.MaxValue ? (long)sums[x] : (double)sums[x];
            reference[x] = finite[x] ? (float)(Half)(float)(total / Unit / rows) : 0f;
        }

        for (int r = 1; r < tileRows; r++)
        {
            reference.Slice(0, d).CopyTo(reference.Slice(r * d, d));
        }

        // k − r in fp32 (exact: both are fp16), rounded to fp16 once; whole tiles of rows through the vectorized conversions.
        Span<float> work = d <= 512 && tileRows * d <= Tile ? stackalloc float[Tile] : new float[tileRows * d];
        for (int j = 0; j < rows; j += tileRows)
        {
            int count = Math.Min(tileRows, rows - j);
            var block = keys.Slice(j * d, count * d);
            var values = work.Slice(0, count * d);
            TensorPrimitives.ConvertToSingle(block, values);
            TensorPrimitives.Subtract(values, reference.Slice(0, count * d), values);
            TensorPrimitives.ConvertToHalf(values, block);
        }
    }

    /// <summary>
    /// The visible keys of absolute position <paramref name="p"/>: one contiguous range (empty when lo &gt; hi), by the CPU
    /// kernels' own rule (<see cref="SpyreKernelSpec.KeyMask"/>, floor division for chunks).
    /// </summary>
    public static (int Lo, int Hi) VisibleRange(SpyreKernelSpec spec, int p, int kvLength) => VisibleRange(spec.KeyMask, p, kvLength);

    private static (int Lo, int Hi) VisibleRange(in KeyMask mask, int p, int kvLength)
    {
        mask.Range(p, kvLength, out var lo, out var hi);
        return (lo, hi);
    }

    /// <summary>
    /// The way back: the program's output <c>[B·Hkv, G, Qp, D]</c> → the valid rows of flat <c>[T, Hq, D]</c>
    /// (what the emitted module's <c>to_tokens</c> does on the device side).
    /// </summary>
    public static void Unpack(SpyreInputs inputs, ReadOnlySpan<Half> programOutput, Span<Half> output)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var spec = inputs.Spec;
        int hq = spec.QueryHeads, g = spec.Group, d = spec.HeadSize, qp = inputs.Qp;
        if (programOutput.Length != inputs.OutputElements)
        {
            throw new ShapeException("programOutput", "length", Invariant($"B·Hkv × G × Qp × D = {inputs.OutputElements}"), programOutput.Length);
        }

        long expected = (long)inputs.StepTokens * hq * d;
        if (output.Length != expected)
        {
            throw new ShapeException("output", "length", Invariant($"T {inputs.StepTokens} × Hq {hq} × D {d} = {expected}"), output.Length);
        }

        var rows = inputs.TokenRows;
        var ids = inputs.TokenIds;
        for (int t = 0; t < rows.Length; t++)
        {
            int b = rows[t] / qp, i = rows[t] % qp;
            for (int h = 0; h < hq; h++)
            {
                programOutput.Slice((((b * spec.KvHeads) + h / g) * g + h % g) * qp * d + i * d, d).CopyTo(output.Slice((ids[t] * hq + h) * d, d));
            }
        }
    }
}
