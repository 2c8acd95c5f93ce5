using System;

namespace TensorDsl;

/// <summary>
/// A q/k/v/output tensor seen the way attention indexes it: sequence <c>b</c>, head <c>h</c>, row <c>s</c>
/// (the row's index within its own sequence), giving the offset of the contiguous head-dim vector. One small
/// class per layout keeps each addressing rule in one obvious line. Callers pass only in-range indices (the
/// plan validated every size and every block id beforehand); array indexing still bounds-checks regardless.
/// </summary>
internal abstract class SequenceView
{
    protected SequenceView(string name, double[] data, int heads, int headDim)
    {
        Name = name;
        Data = data;
        Heads = heads;
        HeadDim = headDim;
    }

    public string Name { get; }

    /// <summary>The fp64 values (for the output: the buffer being written).</summary>
    public double[] Data { get; }

    public int Heads { get; }

    public int HeadDim { get; }

    /// <summary>The offset in <see cref="Data"/> of element <c>[b, h, s, 0]</c>.</summary>
    public abstract int Offset(int b, int h, int s);
}

/// <summary>Dense <c>[B, H, S, D]</c>.</summary>
internal sealed class BhsdView : SequenceView
{
    private readonly int _length;

    public BhsdView(string name, double[] data, int heads, int length, int headDim)
        : base(name, data, heads, headDim) => _length = length;

    public override int Offset(int b, int h, int s) => ((b * Heads + h) * _length + s) * HeadDim;
}

/// <summary>Dense <c>[B, S, H, D]</c>.</summary>
internal sealed class BshdView : SequenceView
{
    private readonly int _length;

    public BshdView(string name, double[] data, int heads, int length, int headDim)
        : base(name, data, heads, headDim) => _length = length;

    public override int Offset(int b, int h, int s) => ((b * _length + s) * Heads + h) * HeadDim;
}

/// <summary>Flat varlen <c>[T, H, D]</c>: sequence <c>b</c>'s rows start at token <c>starts[b]</c>.</summary>
internal sealed class TokensView : SequenceView
{
    private readonly int[] _starts;

    public TokensView(string name, double[] data, int heads, int headDim, int[] starts)
        : base(name, data, heads, headDim) => _starts = starts;

    public override int Offset(int b, int h, int s) => ((_starts[b] + s) * Heads + h) * HeadDim;
}

/// <summary>Paged cache <c>[N, BlockSize, H, D]</c>: row <c>s</c> of sequence <c>b</c> is in block <c>table[b, s / BlockSize]</c>.</summary>
internal sealed class PagesView : SequenceView
{
    private readonly int _blockSize;
    private readonly PagedBatch _batch;

    public PagesView(string name, double[] data, int blockSize, int heads, int headDim, PagedBatch batch)
        : base(name, data, heads, headDim)
    {
        _blockSize = blockSize;
        _batch = batch;
    }

    public override int Offset(int b, int h, int s)
    {
        int block = _batch.BlockId(b, s / _blockSize);
        return ((block * _blockSize + s % _blockSize) * Heads + h) * HeadDim;
    }
}
