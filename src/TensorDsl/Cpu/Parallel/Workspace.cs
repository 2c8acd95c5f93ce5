using System;

namespace TensorDsl.Cpu.Parallel;

/// <summary>
/// One thread's scratch for the attention tiles, grown on demand and kept for the thread's life, so calls after
/// the first allocate nothing. Thread-static: a tile never shares scratch with another thread.
/// </summary>
internal sealed class Workspace
{
    [ThreadStatic] private static Workspace? t_current;

    public static Workspace Current => t_current ??= new Workspace();

    // The float scratch the kernels load by whole vectors is cache-line aligned (AlignedFloats).

    /// <summary>The q block transposed, <c>[D, rows]</c>.</summary>
    public readonly AlignedFloats QueryT = new();

    /// <summary>The q block row-major, <c>[rows, D]</c>, fp32 and scaled.</summary>
    public readonly AlignedFloats QueryRows = new();

    /// <summary>The q rows times 2^112, for a decode's fp16 K tiles read as <see cref="Simd.ScaledHalf"/> (sized on first use).</summary>
    public readonly AlignedFloats ScaledQueryRows = new();

    /// <summary>Scores, then weights, of one tile: <c>[keys, rows]</c>.</summary>
    public readonly AlignedFloats Scores = new();

    /// <summary>The running weighted mean of value rows: <c>[rows, Dv rounded up to the vector width]</c>.</summary>
    public readonly AlignedFloats Output = new();

    /// <summary>K and V rows of one tile converted to fp32 (or padded to the vector width).</summary>
    public readonly AlignedFloats Keys = new(), Values = new();

    /// <summary>Per row: running max, running sum, this tile's carry factor; a q row widened to fp32.</summary>
    public readonly AlignedFloats Max = new(), Sum = new(), Carry = new(), Row = new();

    /// <summary>Per row: query head, row in its sequence, absolute position, first and last visible key.</summary>
    public int[] Head = Array.Empty<int>(), RowIndex = Array.Empty<int>(), Position = Array.Empty<int>(), Low = Array.Empty<int>(), High = Array.Empty<int>();

    /// <summary>
    /// Per row, then per vector of rows, of the tile being computed: the keys <c>[from, to)</c> it may see, relative to
    /// the tile (an empty range is <c>[count, 0)</c>, so a vector's range is the minimum and maximum of its rows').
    /// </summary>
    public int[] KeyFrom = Array.Empty<int>(), KeyTo = Array.Empty<int>(), VectorKeyFrom = Array.Empty<int>(), VectorKeyTo = Array.Empty<int>();

    /// <summary>Per key of a tile: the element offset of its K and V row in the caller's tensors; the same for the next tile.</summary>
    public int[] KeyOffsets = Array.Empty<int>(), ValueOffsets = Array.Empty<int>(), NextKeyOffsets = Array.Empty<int>(), NextValueOffsets = Array.Empty<int>();

    /// <summary>Per key of a tile: the offset of its converted K and V row in <see cref="Keys"/> and <see cref="Values"/>.</summary>
    public int[] KeyRows = Array.Empty<int>(), ValueRows = Array.Empty<int>();

    /// <summary>Per row: where its fp32 q row starts (PackQueries reads them in place, a column at a time).</summary>
    public int[] QueryOffsets = Array.Empty<int>();

    public void SwapOffsets()
    {
        (KeyOffsets, NextKeyOffsets) = (NextKeyOffsets, KeyOffsets);
        (ValueOffsets, NextValueOffsets) = (NextValueOffsets, ValueOffsets);
    }

    /// <summary><c>rows[t] = t · stride</c>: converted rows sit back to back in scratch.</summary>
    public void FillRows(int[] rows, int stride)
    {
        for (int t = 0; t < rows.Length; t++)
        {
            rows[t] = t * stride;
        }
    }

    public void Ensure(int rows, int depth, int valueWidth, int tileKeys)
    {
        QueryT.Ensure(depth * rows);
        QueryRows.Ensure(depth * rows);
        Scores.Ensure(tileKeys * rows);
        Output.Ensure(rows * valueWidth);
        Keys.Ensure(tileKeys * depth);
        Values.Ensure(tileKeys * valueWidth);
        Max.Ensure(rows);
        Sum.Ensure(rows);
        Carry.Ensure(rows);
        Row.Ensure(Math.Max(Math.Max(depth, valueWidth), rows));
        Grow(ref Head, rows);
        Grow(ref RowIndex, rows);
        Grow(ref Position, rows);
        Grow(ref Low, rows);
        Grow(ref High, rows);
        Grow(ref KeyFrom, rows);
        Grow(ref KeyTo, rows);
        Grow(ref VectorKeyFrom, rows);
        Grow(ref VectorKeyTo, rows);
        Grow(ref QueryOffsets, rows);
        Grow(ref KeyRows, tileKeys);
        Grow(ref ValueRows, tileKeys);
        EnsureOffsets(tileKeys);
    }

    /// <summary>Room for <paramref name="keys"/> K and V offsets per tile (a KV-head bundle: one tile per KV head).</summary>
    public void EnsureOffsets(int keys)
    {
        Grow(ref KeyOffsets, keys);
        Grow(ref ValueOffsets, keys);
        Grow(ref NextKeyOffsets, keys);
        Grow(ref NextValueOffsets, keys);
    }

    private static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[length];
        }
    }
}
