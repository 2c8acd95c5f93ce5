using System;
using System.Numerics.Tensors;

namespace TensorDsl.Spyre;

/// <summary>Where the device program applies the scale.</summary>
public enum SpyreScaleOrder
{
    /// <summary>This target's program: <c>q·scale</c> first (rounded), then <c>q @ kᵀ</c>; scores never exceed what the scaled product can hold.</summary>
    ScaleQueryFirst,

    /// <summary>The reference design: <c>q @ kᵀ</c> rounded, then <c>· scale</c>; in IEEE fp16 it overflows to ±inf once |q·k| passes 65504.</summary>
    ScaleAfterMatMul,
}

/// <summary>
/// Runs the device program in C# as the device would: the host's IEEE fp16 inputs are converted to the device
/// <see cref="Format"/> on the way in, every op's result is rounded to it — the scaled query, the scores of
/// <c>q @ kᵀ</c>, <c>+ mask</c>, the softmax probabilities and <c>@ v</c> — and the output is converted back to IEEE fp16
/// for the host. Inside an op the arithmetic is fp32: the matmuls accumulate their dot products in fp32, and softmax
/// takes the row's maximum, the exponentials and their sum in fp32 and rounds only each probability
/// (docs/spyre.md#numerics). The default format is the device's, DLFloat16 (<c>SEN169_FP16</c>).
/// </summary>
public sealed class SpyreEmulator(SpyreNumberFormat format = SpyreNumberFormat.DlFloat16)
{
    /// <summary>The format every value on the device is held in.</summary>
    public SpyreNumberFormat Format { get; } = format;

    private float[] _keys = Array.Empty<float>();
    private float[] _values = Array.Empty<float>();
    private float[] _scores = Array.Empty<float>();
    private float[] _row = Array.Empty<float>();
    private float[] _accumulator = Array.Empty<float>();

    /// <summary>Runs the program on <paramref name="inputs"/>, writing <c>[B·Hkv, G, Qp, D]</c> into <paramref name="output"/>.</summary>
    public void Run(SpyreInputs inputs, Span<Half> output, SpyreScaleOrder order = SpyreScaleOrder.ScaleQueryFirst)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var spec = inputs.Spec;
        if (output.Length != inputs.OutputElements)
        {
            throw new ShapeException("output", "length", inputs.OutputElements.ToString(System.Globalization.CultureInfo.InvariantCulture), output.Length);
        }

        int d = spec.HeadSize, g = spec.Group, qp = inputs.Qp, l = inputs.L;
        Grow(ref _keys, l * d);
        Grow(ref _values, l * d);
        Grow(ref _scores, l);
        Grow(ref _row, d);
        Grow(ref _accumulator, d);
        var k = _keys.AsSpan(0, l * d);
        var v = _values.AsSpan(0, l * d);
        var s = _scores.AsSpan(0, l);
        var qRow = _row.AsSpan(0, d);
        var acc = _accumulator.AsSpan(0, d);
        var scale = spec.Scale; // a Python float scalar: PyTorch multiplies fp16 by it in fp32 and rounds the product once
        int planes = inputs.Batch * spec.KvHeads;
        for (int bh = 0; bh < planes; bh++)
        {
            TensorPrimitives.ConvertToSingle(inputs.Key.Slice(bh * l * d, l * d), k);
            TensorPrimitives.ConvertToSingle(inputs.Value.Slice(bh * l * d, l * d), v);
            ToDevice(k);
            ToDevice(v);
            var mask = inputs.Mask.Slice(bh * qp * l, qp * l);
            for (int gi = 0; gi < g; gi++)
            {
                for (int i = 0; i < qp; i++)
                {
                    int at = ((bh * g + gi) * qp + i) * d;
                    TensorPrimitives.ConvertToSingle(inputs.Query.Slice(at, d), qRow);
                    ToDevice(qRow);
                    if (order == SpyreScaleOrder.ScaleQueryFirst)
                    {
                        for (int x = 0; x < d; x++)
                        {
                            qRow[x] = Round(qRow[x] * scale);
                        }
                    }

                    var maskRow = mask.Slice(i * l, l);
                    float max = float.NegativeInfinity;
                    for (int j = 0; j < l; j++)
                    {
                        float score = Round(TensorPrimitives.Dot(qRow, k.Slice(j * d, d)));
                        if (order == SpyreScaleOrder.ScaleAfterMatMul)
                        {
                            score = Round(score * scale);
                        }

                        score = Round(score + Round((float)maskRow[j]));
                        s[j] = score;
                        max = MathF.Max(max, score);
                    }

                    float sum = 0;
                    for (int j = 0; j < l; j++)
                    {
                        float e = MathF.Exp(s[j] - max);
                        s[j] = e;
                        sum += e;
                    }

                    acc.Clear();
                    for (int j = 0; j < l; j++)
                    {
                        float p = Round(s[j] / sum);
                        if (p != 0 || float.IsNaN(p))
                        {
                            TensorPrimitives.MultiplyAdd(v.Slice(j * d, d), p, acc, acc);
                        }
                    }

                    // The device holds the result in its format; the way back to the host converts it to IEEE fp16.
                    ToDevice(acc);
                    TensorPrimitives.ConvertToHalf(acc, output.Slice(at, d));
                }
            }
        }
    }

    private float Round(float x) => Format == SpyreNumberFormat.DlFloat16 ? DlFloat16.Round(x) : (float)(Half)x;

    /// <summary>Values as the device stores them (for the host's fp16 inputs under the IEEE format a no-op).</summary>
    private void ToDevice(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Round(values[i]);
        }
    }

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }
    }
}
