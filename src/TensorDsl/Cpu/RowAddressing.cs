using System.ComponentModel;
using TensorDsl.Runtime;

namespace TensorDsl.Cpu;

/// <summary>
/// Where the head-dim vector of query (or output) row <c>[b, h, row]</c> starts in its span, in elements:
/// dense <c>[B, H, S, D]</c> or <c>[B, S, H, D]</c>, or flat varlen tokens <c>[T, H, D]</c> where sequence
/// <c>b</c>'s rows start at token <c>query_start_loc[b]</c>. The driver reads the caller's tensors in place
/// through these strides; nothing is copied or transposed.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct RowAddressing
{
    private RowAddressing(Layout layout, int heads, int length, int headDim, long batchStride, long headStride, long rowStride)
    {
        Layout = layout;
        Heads = heads;
        Length = length;
        HeadDim = headDim;
        BatchStride = batchStride;
        HeadStride = headStride;
        RowStride = rowStride;
    }

    /// <summary>Bhsd, Bshd or Tokens: the shared layout table's (docs/design.md, "Where does X live").</summary>
    internal Layout Layout { get; }

    /// <summary>H: the tensor's head count.</summary>
    public int Heads { get; }

    /// <summary>S for dense layouts; 0 for tokens (the lengths come from the varlen metadata).</summary>
    public int Length { get; }

    /// <summary>D: the head-dim size (contiguous).</summary>
    public int HeadDim { get; }

    internal long BatchStride { get; }

    internal long HeadStride { get; }

    internal long RowStride { get; }

    /// <summary>Dense <c>[B, heads, length, headDim]</c>.</summary>
    public static RowAddressing Bhsd(int heads, int length, int headDim)
    {
        Check(heads, length, headDim);
        return new(Layout.Bhsd, heads, length, headDim, (long)heads * length * headDim, (long)length * headDim, headDim);
    }

    /// <summary>Dense <c>[B, length, heads, headDim]</c>.</summary>
    public static RowAddressing Bshd(int heads, int length, int headDim)
    {
        Check(heads, length, headDim);
        return new(Layout.Bshd, heads, length, headDim, (long)length * heads * headDim, headDim, (long)heads * headDim);
    }

    /// <summary>Flat varlen <c>[T, heads, headDim]</c>: row <c>i</c> of sequence <c>b</c> is token <c>query_start_loc[b] + i</c>.</summary>
    public static RowAddressing Tokens(int heads, int headDim)
    {
        Check(heads, 0, headDim);
        return new(Layout.Tokens, heads, 0, headDim, 0, headDim, (long)heads * headDim);
    }

    /// <summary>
    /// The element offset of <c>[b, h, row, 0]</c>; <paramref name="tokenStart"/> is the sequence's first token for
    /// the tokens layout (0 otherwise). In range once the problem validated the span length.
    /// </summary>
    internal int Offset(int b, int h, int row, int tokenStart) =>
        ToIndex(b * BatchStride + h * HeadStride + ((long)tokenStart + row) * RowStride);

    /// <summary>
    /// Narrows an offset; one outside the int range (only possible when metadata changed after validation)
    /// becomes −1, which the caller's span slice rejects instead of wrapping to a wrong in-range row.
    /// </summary>
    internal static int ToIndex(long offset) => (ulong)offset <= int.MaxValue ? (int)offset : -1;

    private static void Check(int heads, int length, int headDim)
    {
        KernelGuard.Dim("addressing", "H", heads);
        KernelGuard.Dim("addressing", "S", length);
        KernelGuard.Dim("addressing", "D", headDim);
    }
}
