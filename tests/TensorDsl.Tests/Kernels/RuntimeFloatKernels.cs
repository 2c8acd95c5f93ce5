// Kernel declarations for the conformance suite. Each one is compiled by the TensorDsl generator into Run (the
// fused CPU kernel under test) and Reference (the eager fp64 oracle); Conformance/KernelCatalog*.cs registers them.
using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Tests.Kernels;

/// <summary>float, Bhsd, every size given at run time: Plain.</summary>
[AttentionKernel]
public static partial class F32BhsdPlain
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: Causal.</summary>
[AttentionKernel]
public static partial class F32BhsdCausal
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: Window.</summary>
[AttentionKernel]
public static partial class F32BhsdWindow
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + SlidingWindow(5, 3)).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: WindowCausal.</summary>
[AttentionKernel]
public static partial class F32BhsdWindowCausal
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(6)).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: Chunked.</summary>
[AttentionKernel]
public static partial class F32BhsdChunked
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + ChunkedLocal(8)).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: Softcap.</summary>
[AttentionKernel]
public static partial class F32BhsdSoftcap
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(Softcap(q.MatMul(k.T), 5f)).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: Alibi.</summary>
[AttentionKernel]
public static partial class F32BhsdAlibi
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v,
        PerHead<float> slopes)
        => Softmax(q.MatMul(k.T) + Alibi(slopes) + Causal()).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: BiasFull.</summary>
[AttentionKernel]
public static partial class F32BhsdBiasFull
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v,
        [Shape("B, Hq, Sq, Sk")] Bias<float> bias)
        => Softmax(q.MatMul(k.T) + bias).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: BiasHeadKey.</summary>
[AttentionKernel]
public static partial class F32BhsdBiasHeadKey
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v,
        [Shape("1, Hq, 1, Sk")] Bias<float> bias)
        => Softmax(q.MatMul(k.T) + bias + Causal()).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: BiasRows.</summary>
[AttentionKernel]
public static partial class F32BhsdBiasRows
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v,
        [Shape("B, 1, Sq, Sk")] Bias<float> bias)
        => Softmax(q.MatMul(k.T) + bias).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: Sinks.</summary>
[AttentionKernel]
public static partial class F32BhsdSinks
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal(), sinks).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: MaskLambda.</summary>
[AttentionKernel]
public static partial class F32BhsdMaskLambda
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, q, kv) => (q - kv) % 3 != 1 || kv == 0)).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: MaskRows.</summary>
[AttentionKernel]
public static partial class F32BhsdMaskRows
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, q, kv) => q % 4 != 3 && kv <= q + 1)).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: ScoreMod.</summary>
[AttentionKernel]
public static partial class F32BhsdScoreMod
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(ScoreMod(q.MatMul(k.T), (b, h, qi, kv, s) => 0.75f * s + 0.5f * MathF.Sin(0.3f * (qi - kv) + h)) + Causal()).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: Scale.</summary>
[AttentionKernel]
public static partial class F32BhsdScale
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) * 0.2f + SlidingWindow(4, 4)).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: Gemma.</summary>
[AttentionKernel]
public static partial class F32BhsdGemma
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(Softcap(q.MatMul(k.T) * 0.25f, 20f) + Causal() + SlidingWindow(7)).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: GptOss.</summary>
[AttentionKernel]
public static partial class F32BhsdGptOss
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(9), sinks).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: Everything.</summary>
[AttentionKernel]
public static partial class F32BhsdEverything
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v,
        [Shape("B, Hq, Sq, Sk")] Bias<float> bias,
        PerHead<float> slopes,
        PerHead<float> sinks)
        => Softmax(ScoreMod(Softcap(q.MatMul(k.T) * 0.3f, 8f) + bias + Alibi(slopes), (b, h, qi, kv, s) => s - 0.01f * MathF.Abs(qi - kv)) + ChunkedLocal(16) + Mask((b, h, qi, kv) => kv != qi - 2), sinks).MatMul(v);
}

/// <summary>float, Bhsd, every size given at run time: Diagonal.</summary>
[AttentionKernel]
public static partial class F32BhsdDiagonal
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + ChunkedLocal(1)).MatMul(v);
}

/// <summary>float, Bshd, every size given at run time: Plain.</summary>
[AttentionKernel]
public static partial class F32BshdPlain
{
    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

/// <summary>float, Bshd, every size given at run time: Causal.</summary>
[AttentionKernel]
public static partial class F32BshdCausal
{
    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>float, Bshd, every size given at run time: BiasFull.</summary>
[AttentionKernel]
public static partial class F32BshdBiasFull
{
    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v,
        [Shape("B, Hq, Sq, Sk")] Bias<float> bias)
        => Softmax(q.MatMul(k.T) + bias).MatMul(v);
}

/// <summary>float, Bshd, every size given at run time: Sinks.</summary>
[AttentionKernel]
public static partial class F32BshdSinks
{
    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal(), sinks).MatMul(v);
}

/// <summary>float, Bshd, every size given at run time: WindowCausal.</summary>
[AttentionKernel]
public static partial class F32BshdWindowCausal
{
    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(6)).MatMul(v);
}

/// <summary>float, Bshd, every size given at run time: Chunked.</summary>
[AttentionKernel]
public static partial class F32BshdChunked
{
    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T) + ChunkedLocal(8)).MatMul(v);
}

/// <summary>float, Bhsd query, Bshd keys/values and output, causal.</summary>
[AttentionKernel]
public static partial class F32MixedLayouts
{
    static Bshd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>float, Bhsd, Hq declared as G*Hkv with const G = 4 and run-time Hkv.</summary>
[AttentionKernel]
public static partial class F32ProductHeads
{
    const int G = 4;

    static Bhsd<float> Attend(
        [Shape("B, G*Hkv, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>float, Bhsd, run-time sizes, tensors named as a user might (not q/k/v): the driver's messages name them so.</summary>
[AttentionKernel]
public static partial class F32BhsdDeclaredNames
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> query,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> key,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> value,
        PerHead<float> attnSinks)
        => Softmax(query.MatMul(key.T) + Causal(), attnSinks).MatMul(value);
}
