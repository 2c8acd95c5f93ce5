using System;

namespace TensorDsl.Cpu;

/// <summary>
/// The masks whose visible keys form one contiguous range per query row, kept as data: the intersection of an
/// optional causal mask, one optional sliding window and one optional chunked-local mask. The driver loops
/// over that range only, so a window of 4096 keys over a 100k-token sequence costs 4096 keys, not 100k.
/// </summary>
/// <remarks>
/// For a query row at absolute position <c>p</c> (bottom-right aligned, possibly negative) key <c>j</c> is
/// visible when every present term holds: causal <c>j ≤ p</c>; window <c>p − Left ≤ j ≤ p + Right</c>; chunk
/// <c>floor(j / Chunk) == floor(p / Chunk)</c> (floor division, so a negative <c>p</c> is in chunk −1 and sees
/// no key). See docs/design.md.
/// </remarks>
public readonly struct KeyMask
{
    /// <summary>Every key visible.</summary>
    public static KeyMask None => default;

    /// <summary>
    /// A mask term set. <paramref name="left"/> and <paramref name="right"/> (used only when
    /// <paramref name="hasWindow"/>) and <paramref name="chunk"/> (0 = no chunking) must be ≥ 0.
    /// </summary>
    public KeyMask(bool causal, bool hasWindow, int left, int right, int chunk)
    {
        if (hasWindow && left < 0) throw new ArgumentOutOfRangeException(nameof(left), left, "A window side must be ≥ 0.");
        if (hasWindow && right < 0) throw new ArgumentOutOfRangeException(nameof(right), right, "A window side must be ≥ 0.");
        if (chunk < 0) throw new ArgumentOutOfRangeException(nameof(chunk), chunk, "The chunk size must be ≥ 0 (0 = none).");
        Causal = causal;
        HasWindow = hasWindow;
        Left = hasWindow ? left : 0;
        Right = hasWindow ? right : 0;
        Chunk = chunk;
    }

    /// <summary>Keys after the query's position are hidden.</summary>
    public bool Causal { get; }

    /// <summary>Whether the sliding window <see cref="Left"/>/<see cref="Right"/> applies.</summary>
    public bool HasWindow { get; }

    /// <summary>How many keys before the query's position the window shows.</summary>
    public int Left { get; }

    /// <summary>How many keys after the query's position the window shows.</summary>
    public int Right { get; }

    /// <summary>The chunk size of the chunked-local mask; 0 when there is none.</summary>
    public int Chunk { get; }

    /// <summary>
    /// The contiguous key range <c>[lo, hi]</c> visible to <paramref name="position"/> among keys
    /// <c>0 … kvLength − 1</c>. An empty range has <c>hi &lt; lo</c> (normalised to <c>hi = lo − 1</c>), so
    /// <c>for (j = lo; j &lt;= hi; j++)</c> is always safe.
    /// </summary>
    public void Range(int position, int kvLength, out int lo, out int hi)
    {
        // long: p − Left, p + Right and the chunk bounds can leave the int range for huge windows or positions.
        long p = position;
        long low = 0, high = (long)kvLength - 1;
        if (Causal)
        {
            high = Math.Min(high, p);
        }

        if (HasWindow)
        {
            low = Math.Max(low, p - Left);
            high = Math.Min(high, p + Right);
        }

        if (Chunk > 0)
        {
            long start = FloorDiv(p, Chunk) * Chunk;
            low = Math.Max(low, start);
            high = Math.Min(high, start + Chunk - 1);
        }

        // low ∈ [0, max(0, p)] and, when non-empty, high ≤ kvLength − 1: both fit an int.
        lo = (int)low;
        hi = high < low ? lo - 1 : (int)high;
    }

    /// <summary>Whether key <paramref name="key"/> is visible to <paramref name="position"/> (the predicate form of <see cref="Range"/>).</summary>
    public bool IsVisible(int position, int key)
    {
        long p = position;
        if (Causal && key > p) return false;
        if (HasWindow && (key < p - Left || key > p + Right)) return false;
        return Chunk == 0 || FloorDiv(key, Chunk) == FloorDiv(p, Chunk);
    }

    private static long FloorDiv(long value, long divisor)
    {
        long quotient = value / divisor;
        return value % divisor < 0 ? quotient - 1 : quotient;
    }
}
