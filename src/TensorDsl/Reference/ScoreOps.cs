using System;

namespace TensorDsl;

/// <summary>
/// One element-wise score step, resolved against its bound data. The reference engine applies them in source
/// order to each visible score, in fp64. <c>i</c> is the query row within its sequence, <c>p</c> its absolute
/// position (<c>Lk − Lq + i</c>), <c>j</c> the key index, <c>h</c> the query head.
/// </summary>
internal abstract class ScoreOp
{
    public abstract double Apply(double s, int b, int h, int i, int p, int j);
}

/// <summary><c>s · scale</c> (an explicit scale, or the default <c>1/sqrt(D)</c> rounded to float).</summary>
internal sealed class ScaleOp : ScoreOp
{
    private readonly double _scale;

    public ScaleOp(double scale) => _scale = scale;

    public override double Apply(double s, int b, int h, int i, int p, int j) => s * _scale;
}

/// <summary><c>cap · tanh(s / cap)</c>.</summary>
internal sealed class SoftcapOp : ScoreOp
{
    private readonly double _cap;

    public SoftcapOp(double cap) => _cap = cap;

    public override double Apply(double s, int b, int h, int i, int p, int j) => _cap * Math.Tanh(s / _cap);
}

/// <summary>
/// <c>s + bias[b, h, i, j]</c> over a <c>[B, Hq, Sq, Sk]</c> tensor whose size-1 dimensions broadcast: their
/// stride is 0, so every index reads element 0 of that dimension.
/// </summary>
internal sealed class BiasOp : ScoreOp
{
    private readonly double[] _data;
    private readonly int _strideB, _strideH, _strideI, _strideJ;

    public BiasOp(double[] data, int[] dims)
    {
        _data = data;
        // Row-major strides of the bound tensor, then 0 for every broadcast (size-1) dimension.
        int strideJ = 1, strideI = dims[3], strideH = dims[2] * dims[3], strideB = dims[1] * dims[2] * dims[3];
        _strideB = dims[0] == 1 ? 0 : strideB;
        _strideH = dims[1] == 1 ? 0 : strideH;
        _strideI = dims[2] == 1 ? 0 : strideI;
        _strideJ = dims[3] == 1 ? 0 : strideJ;
    }

    public override double Apply(double s, int b, int h, int i, int p, int j) =>
        s + _data[b * _strideB + h * _strideH + i * _strideI + j * _strideJ];
}

/// <summary>ALiBi: <c>s + slope[h] · (j − p)</c>.</summary>
internal sealed class AlibiOp : ScoreOp
{
    private readonly double[] _slopes;

    public AlibiOp(double[] slopes) => _slopes = slopes;

    public override double Apply(double s, int b, int h, int i, int p, int j) =>
        s + _slopes[h] * ((long)j - p);
}

/// <summary>
/// A user score modifier. Its signature is float, so the score is rounded to float on the way in and the
/// result widened on the way out, as in the generated kernel.
/// </summary>
internal sealed class ModifierOp : ScoreOp
{
    private readonly ScoreModifier _modifier;

    public ModifierOp(ScoreModifier modifier) => _modifier = modifier;

    public override double Apply(double s, int b, int h, int i, int p, int j) => _modifier(b, h, p, j, (float)s);
}
