// Kernel declarations for the conformance suite. Each one is compiled by the TensorDsl generator into Run (the
// fused CPU kernel under test) and Reference (the eager fp64 oracle); Conformance/KernelCatalog*.cs registers them.
using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Tests.Kernels;

/// <summary>BFloat16, Bhsd, every size given at run time: Plain.</summary>
[AttentionKernel]
public static partial class BF16BhsdPlain
{
    static Bhsd<BFloat16> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<BFloat16> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

/// <summary>BFloat16, Bhsd, every size given at run time: Causal.</summary>
[AttentionKernel]
public static partial class BF16BhsdCausal
{
    static Bhsd<BFloat16> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<BFloat16> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>BFloat16, Bhsd, every size given at run time: BiasFull.</summary>
[AttentionKernel]
public static partial class BF16BhsdBiasFull
{
    static Bhsd<BFloat16> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<BFloat16> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> v,
        [Shape("B, Hq, Sq, Sk")] Bias<BFloat16> bias)
        => Softmax(q.MatMul(k.T) + bias).MatMul(v);
}

/// <summary>BFloat16, Bhsd, every size given at run time: GptOss.</summary>
[AttentionKernel]
public static partial class BF16BhsdGptOss
{
    static Bhsd<BFloat16> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<BFloat16> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(9), sinks).MatMul(v);
}

/// <summary>BFloat16, Bhsd, every size given at run time: Window.</summary>
[AttentionKernel]
public static partial class BF16BhsdWindow
{
    static Bhsd<BFloat16> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<BFloat16> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> v)
        => Softmax(q.MatMul(k.T) + SlidingWindow(5, 3)).MatMul(v);
}

/// <summary>BFloat16, Bhsd, every size given at run time: Chunked.</summary>
[AttentionKernel]
public static partial class BF16BhsdChunked
{
    static Bhsd<BFloat16> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<BFloat16> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> v)
        => Softmax(q.MatMul(k.T) + ChunkedLocal(8)).MatMul(v);
}

/// <summary>BFloat16, Bhsd, every size given at run time: ScoreMod.</summary>
[AttentionKernel]
public static partial class BF16BhsdScoreMod
{
    static Bhsd<BFloat16> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<BFloat16> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> v)
        => Softmax(ScoreMod(q.MatMul(k.T), (b, h, qi, kv, s) => 0.75f * s + 0.5f * MathF.Sin(0.3f * (qi - kv) + h)) + Causal()).MatMul(v);
}

/// <summary>BFloat16, Bhsd, every size given at run time: BiasHeadKey.</summary>
[AttentionKernel]
public static partial class BF16BhsdBiasHeadKey
{
    static Bhsd<BFloat16> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<BFloat16> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> v,
        [Shape("1, Hq, 1, Sk")] Bias<BFloat16> bias)
        => Softmax(q.MatMul(k.T) + bias + Causal()).MatMul(v);
}

/// <summary>BFloat16, Bhsd, every size given at run time: Diagonal.</summary>
[AttentionKernel]
public static partial class BF16BhsdDiagonal
{
    static Bhsd<BFloat16> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<BFloat16> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> v)
        => Softmax(q.MatMul(k.T) + ChunkedLocal(1)).MatMul(v);
}

/// <summary>BFloat16, Bshd, every size given at run time: Causal.</summary>
[AttentionKernel]
public static partial class BF16BshdCausal
{
    static Bshd<BFloat16> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> k,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>BFloat16, Bshd, every size given at run time: Alibi.</summary>
[AttentionKernel]
public static partial class BF16BshdAlibi
{
    static Bshd<BFloat16> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> k,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> v,
        PerHead<float> slopes)
        => Softmax(q.MatMul(k.T) + Alibi(slopes) + Causal()).MatMul(v);
}

/// <summary>BFloat16, Bshd, every size given at run time: Softcap.</summary>
[AttentionKernel]
public static partial class BF16BshdSoftcap
{
    static Bshd<BFloat16> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> k,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> v)
        => Softmax(Softcap(q.MatMul(k.T), 5f)).MatMul(v);
}

/// <summary>BFloat16, Bshd, every size given at run time: MaskLambda.</summary>
[AttentionKernel]
public static partial class BF16BshdMaskLambda
{
    static Bshd<BFloat16> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> k,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, q, kv) => (q - kv) % 3 != 1 || kv == 0)).MatMul(v);
}

/// <summary>BFloat16, Bshd, every size given at run time: Scale.</summary>
[AttentionKernel]
public static partial class BF16BshdScale
{
    static Bshd<BFloat16> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> k,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> v)
        => Softmax(q.MatMul(k.T) * 0.2f + SlidingWindow(4, 4)).MatMul(v);
}

/// <summary>BFloat16, Bshd, every size given at run time: BiasRows.</summary>
[AttentionKernel]
public static partial class BF16BshdBiasRows
{
    static Bshd<BFloat16> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> k,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> v,
        [Shape("B, 1, Sq, Sk")] Bias<float> bias)
        => Softmax(q.MatMul(k.T) + bias).MatMul(v);
}

/// <summary>BFloat16, Bshd, every size given at run time: Gemma.</summary>
[AttentionKernel]
public static partial class BF16BshdGemma
{
    static Bshd<BFloat16> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> k,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> v)
        => Softmax(Softcap(q.MatMul(k.T) * 0.25f, 20f) + Causal() + SlidingWindow(7)).MatMul(v);
}

/// <summary>BFloat16, Bshd, every size given at run time: Sinks.</summary>
[AttentionKernel]
public static partial class BF16BshdSinks
{
    static Bshd<BFloat16> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> k,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal(), sinks).MatMul(v);
}

/// <summary>BFloat16, Bshd, every size given at run time: WindowCausal.</summary>
[AttentionKernel]
public static partial class BF16BshdWindowCausal
{
    static Bshd<BFloat16> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> k,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(6)).MatMul(v);
}

/// <summary>BFloat16, Bshd, every size given at run time: MaskRows.</summary>
[AttentionKernel]
public static partial class BF16BshdMaskRows
{
    static Bshd<BFloat16> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> k,
        [Shape("B, Sk, Hkv, D")] Bshd<BFloat16> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, q, kv) => q % 4 != 3 && kv <= q + 1)).MatMul(v);
}
