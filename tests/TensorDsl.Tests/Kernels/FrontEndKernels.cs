// Kernels that exercise the front end's less common forms: constants and Math calls inside lambdas, several
// masks and windows at once, score steps in unusual orders, scales on either side, a block body, an explicit
// return shape, a nested kernel type, windows near int.MaxValue, a score modifier that returns −∞, and a const
// Hq with a run-time Hkv. Registered in Conformance/KernelCatalog.FrontEnd.cs.
using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Tests.Kernels;

/// <summary>Class constants (int, float, double), Math/MathF calls, casts, a conditional and bit tests inside lambdas.</summary>
[AttentionKernel]
public static partial class F32LambdaConstants
{
    const int Band = 3;
    const float Slope = 0.25f;
    const double Decay = 0.05;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(
            ScoreMod(q.MatMul(k.T) * 0.5f, (b, h, qi, kv, s) => kv % 2 == 0 ? s : s * Slope + (float)Math.Exp(-Decay * Math.Abs(qi - kv)))
            + Causal()
            + Mask((b, h, qi, kv) => Math.Abs(qi - kv) <= Band || (kv & 1) == 0)
            + Mask((b, h, qi, kv) => (long)h * 1000 + kv != 1003)).MatMul(v);
}

/// <summary>A score modifier that hides the key just before the query by returning −∞.</summary>
[AttentionKernel]
public static partial class F32ScoreModNegInf
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(ScoreMod(q.MatMul(k.T), (b, h, qi, kv, s) => kv == qi - 1 ? float.NegativeInfinity : s) + Causal()).MatMul(v);
}

/// <summary>
/// Steps in source order — softcap of the raw product, then bias, then the scale — with the mask written inside
/// Softcap, two windows and two predicate masks intersected.
/// </summary>
[AttentionKernel]
public static partial class F32StepOrder
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v,
        [Shape("B, Hq, Sq, Sk")] Bias<float> bias)
        => Softmax((Softcap(q.MatMul(k.T) + Causal(), 10f) + bias) * 0.5f
            + SlidingWindow(8) + SlidingWindow(2, 2)
            + Mask((b, h, qi, kv) => kv != 0) + Mask((b, h, qi, kv) => qi - kv != 1)).MatMul(v);
}

/// <summary>A scale on the left of the scores and a second one on the right: both apply, the default does not.</summary>
[AttentionKernel]
public static partial class F32TwoScales
{
    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(2f * (q.MatMul(k.T) * 0.125f) + Causal()).MatMul(v);
}

/// <summary>A block body, an explicit return shape and ALiBi without a mask (keys after p get a bonus).</summary>
[AttentionKernel]
public static partial class F16BlockBody
{
    [return: Shape("B, Hq, Sq, D")]
    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v,
        PerHead<float> slopes)
    {
        return Softmax(q.MatMul(k.T) + Alibi(slopes)).MatMul(v);
    }
}

/// <summary>A kernel type nested in another partial type.</summary>
public static partial class Outer
{
    [AttentionKernel]
    public static partial class BF16Nested
    {
        static Bshd<BFloat16> Attend(
            [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
            [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> k,
            [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> v)
            => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
    }
}

/// <summary>Windows and chunks as wide as int allows: p ± int.MaxValue must not wrap.</summary>
[AttentionKernel]
public static partial class F32WideWindows
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + SlidingWindow(int.MaxValue, int.MaxValue) + ChunkedLocal(int.MaxValue)).MatMul(v);
}

/// <summary>Const Hq = 8 and D = 32 with the KV head count given at run time (must divide 8).</summary>
[AttentionKernel]
public static partial class F32ConstHqRuntimeHkv
{
    const int Hq = 8, D = 32;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}
