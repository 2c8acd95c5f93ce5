using System;

// In the root namespace with the batches and AttentionOptions: `using TensorDsl;` is all a call needs. Code that also
// imports TensorDsl.Cpu keeps compiling (only a fully qualified TensorDsl.Cpu.HeadRange changes).
namespace TensorDsl;

/// <summary>
/// A contiguous range of query heads <c>[Start, Start + Count)</c>: a tensor-parallel shard run on the full
/// tensors without copies. Only those heads are computed and written; the output and LSE of other heads are
/// left as they were.
/// </summary>
public readonly struct HeadRange : IEquatable<HeadRange>
{
    /// <summary>A range; both values must be ≥ 0 (checked against the head count by <see cref="Cpu.AttentionProblem.WithHeads"/>).</summary>
    public HeadRange(int start, int count)
    {
        if (start < 0) throw new ArgumentOutOfRangeException(nameof(start), start, "The first head must be ≥ 0.");
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The head count must be ≥ 0.");
        Start = start;
        Count = count;
    }

    /// <summary>The first query head.</summary>
    public int Start { get; }

    /// <summary>How many query heads.</summary>
    public int Count { get; }

    /// <summary>One past the last query head (a long: <c>Start + Count</c> may exceed int).</summary>
    public long End => (long)Start + Count;

    public bool Equals(HeadRange other) => Start == other.Start && Count == other.Count;

    public override bool Equals(object? obj) => obj is HeadRange other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Start, Count);

    public static bool operator ==(HeadRange left, HeadRange right) => left.Equals(right);

    public static bool operator !=(HeadRange left, HeadRange right) => !left.Equals(right);

    public override string ToString() => $"[{Start}, {End})";
}
