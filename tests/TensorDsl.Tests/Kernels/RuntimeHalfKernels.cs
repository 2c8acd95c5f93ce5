// Kernel declarations for the conformance suite. Each one is compiled by the TensorDsl generator into Run (the
// fused CPU kernel under test) and Reference (the eager fp64 oracle); Conformance/KernelCatalog*.cs registers them.
using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Tests.Kernels;

/// <summary>Half, Bhsd, every size given at run time: Plain.</summary>
[AttentionKernel]
public static partial class F16BhsdPlain
{
    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

/// <summary>Half, Bhsd, every size given at run time: Causal.</summary>
[AttentionKernel]
public static partial class F16BhsdCausal
{
    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>Half, Bhsd, every size given at run time: Softcap.</summary>
[AttentionKernel]
public static partial class F16BhsdSoftcap
{
    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v)
        => Softmax(Softcap(q.MatMul(k.T), 5f)).MatMul(v);
}

/// <summary>Half, Bhsd, every size given at run time: Alibi.</summary>
[AttentionKernel]
public static partial class F16BhsdAlibi
{
    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v,
        PerHead<float> slopes)
        => Softmax(q.MatMul(k.T) + Alibi(slopes) + Causal()).MatMul(v);
}

/// <summary>Half, Bhsd, every size given at run time: Sinks.</summary>
[AttentionKernel]
public static partial class F16BhsdSinks
{
    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal(), sinks).MatMul(v);
}

/// <summary>Half, Bhsd, every size given at run time: MaskLambda.</summary>
[AttentionKernel]
public static partial class F16BhsdMaskLambda
{
    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, q, kv) => (q - kv) % 3 != 1 || kv == 0)).MatMul(v);
}

/// <summary>Half, Bhsd, every size given at run time: BiasFull.</summary>
[AttentionKernel]
public static partial class F16BhsdBiasFull
{
    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v,
        [Shape("B, Hq, Sq, Sk")] Bias<Half> bias)
        => Softmax(q.MatMul(k.T) + bias).MatMul(v);
}

/// <summary>Half, Bshd, every size given at run time: Window.</summary>
[AttentionKernel]
public static partial class F16BshdWindow
{
    static Bshd<Half> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<Half> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
        => Softmax(q.MatMul(k.T) + SlidingWindow(5, 3)).MatMul(v);
}

/// <summary>Half, Bshd, every size given at run time: WindowCausal.</summary>
[AttentionKernel]
public static partial class F16BshdWindowCausal
{
    static Bshd<Half> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<Half> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(6)).MatMul(v);
}

/// <summary>Half, Bshd, every size given at run time: Chunked.</summary>
[AttentionKernel]
public static partial class F16BshdChunked
{
    static Bshd<Half> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<Half> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
        => Softmax(q.MatMul(k.T) + ChunkedLocal(8)).MatMul(v);
}

/// <summary>Half, Bshd, every size given at run time: BiasHeadKey.</summary>
[AttentionKernel]
public static partial class F16BshdBiasHeadKey
{
    static Bshd<Half> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<Half> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v,
        [Shape("1, Hq, 1, Sk")] Bias<Half> bias)
        => Softmax(q.MatMul(k.T) + bias + Causal()).MatMul(v);
}

/// <summary>Half, Bshd, every size given at run time: ScoreMod.</summary>
[AttentionKernel]
public static partial class F16BshdScoreMod
{
    static Bshd<Half> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<Half> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
        => Softmax(ScoreMod(q.MatMul(k.T), (b, h, qi, kv, s) => 0.75f * s + 0.5f * MathF.Sin(0.3f * (qi - kv) + h)) + Causal()).MatMul(v);
}

/// <summary>Half, Bshd, every size given at run time: Gemma.</summary>
[AttentionKernel]
public static partial class F16BshdGemma
{
    static Bshd<Half> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<Half> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
        => Softmax(Softcap(q.MatMul(k.T) * 0.25f, 20f) + Causal() + SlidingWindow(7)).MatMul(v);
}

/// <summary>Half, Bshd, every size given at run time: GptOss.</summary>
[AttentionKernel]
public static partial class F16BshdGptOss
{
    static Bshd<Half> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<Half> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(9), sinks).MatMul(v);
}

/// <summary>Half, Bshd, every size given at run time: Scale.</summary>
[AttentionKernel]
public static partial class F16BshdScale
{
    static Bshd<Half> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<Half> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
        => Softmax(q.MatMul(k.T) * 0.2f + SlidingWindow(4, 4)).MatMul(v);
}

/// <summary>Half, Bshd, every size given at run time: Diagonal.</summary>
[AttentionKernel]
public static partial class F16BshdDiagonal
{
    static Bshd<Half> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<Half> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
        => Softmax(q.MatMul(k.T) + ChunkedLocal(1)).MatMul(v);
}

/// <summary>Half, Bshd, a literal head size 16 with run-time heads.</summary>
[AttentionKernel]
public static partial class F16BshdLiteralD
{
    static Bshd<Half> Attend(
        [Shape("B, Sq, Hq, 16")] Bshd<Half> q,
        [Shape("B, Sk, Hkv, 16")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, 16")] Bshd<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}
