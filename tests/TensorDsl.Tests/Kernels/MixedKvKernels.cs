// Kernels whose KV cache has its own element type (docs/semantics.md#element-types): k and v share one type, q and the
// output another. Serving engines keep an fp16/bf16 cache under fp32 or bf16 queries; the reverse pairings are here too.
// Conformance/KernelCatalog.MixedKv.cs (dense) and Conformance/VarlenPagedCatalog.MixedKv.cs (varlen, paged) register them.
using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Tests.Kernels;

/// <summary>float q over Half K/V, Bshd, const Hq/Hkv = 32/8 (G = 4), D = 128: Llama-style GQA, causal.</summary>
[AttentionKernel]
public static partial class MixF32F16BshdGqa
{
    const int Hq = 32, Hkv = 8, D = 128;

    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}

/// <summary>float q over Half K/V, Bshd, every size given at run time: causal.</summary>
[AttentionKernel]
public static partial class MixF32F16BshdCausal
{
    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>float q over BFloat16 K/V, Bhsd, every size given at run time: softcap 20, causal.</summary>
[AttentionKernel]
public static partial class MixF32BF16BhsdSoftcap
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> v)
        => Softmax(Softcap(q.MatMul(k.T), 20f) + Causal()).MatMul(v);
}

/// <summary>BFloat16 q over Half K/V, Bshd, every size given at run time: ALiBi, sinks, causal.</summary>
[AttentionKernel]
public static partial class MixBF16F16BshdAlibiSinks
{
    static Bshd<BFloat16> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<BFloat16> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v,
        [Shape("Hq")] PerHead<float> slopes,
        [Shape("Hq")] PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Alibi(slopes) + Causal(), sinks).MatMul(v);
}

/// <summary>Half q over float K/V, Bhsd, every size given at run time: a BFloat16 bias [1, Hq, 1, Sk], window (5, 3).</summary>
[AttentionKernel]
public static partial class MixF16F32BhsdBias
{
    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v,
        [Shape("1, Hq, 1, Sk")] Bias<BFloat16> bias)
        => Softmax(q.MatMul(k.T) + bias + SlidingWindow(5, 3)).MatMul(v);
}

/// <summary>float q over a Half paged cache, Hq 8 / Hkv 2 (G 4), D 64, BlockSize 16: causal.</summary>
[AttentionKernel]
public static partial class PagedMixF32F16Causal
{
    const int Hq = 8, Hkv = 2, D = 64, BlockSize = 16;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}

/// <summary>float q over a BFloat16 paged cache, Hq 8 / Hkv 1 (G 8), D 128, BlockSize 32: sinks, causal window 9.</summary>
[AttentionKernel]
public static partial class PagedMixF32BF16GptOss
{
    const int Hq = 8, Hkv = 1, D = 128, BlockSize = 32;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(9), sinks).MatMul(v);
}

/// <summary>BFloat16 q over a Half paged cache, Hq 4 / Hkv 4 (G 1), D 64, BlockSize 1: ALiBi, causal.</summary>
[AttentionKernel]
public static partial class PagedMixBF16F16Alibi
{
    const int Hq = 4, Hkv = 4, D = 64, BlockSize = 1;

    static Tokens<BFloat16> Attend(
        [Shape("T, Hq, D")] Tokens<BFloat16> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v,
        [Shape("Hq")] PerHead<float> slopes)
        => Softmax(q.MatMul(k.T) + Alibi(slopes) + Causal()).MatMul(v);
}

/// <summary>Half q over a float paged cache, Hq 8 / Hkv 2 (G 4), D 64, BlockSize 128: softcap 5, causal.</summary>
[AttentionKernel]
public static partial class PagedMixF16F32Softcap
{
    const int Hq = 8, Hkv = 2, D = 64, BlockSize = 128;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(Softcap(q.MatMul(k.T), 5f) + Causal()).MatMul(v);
}

/// <summary>float q over a Half paged cache, BlockSize 16, Hq, Hkv and D given at run time: causal.</summary>
[AttentionKernel]
public static partial class PagedMixF32F16RuntimeHeads
{
    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, 16, Hkv, D")] Pages<Half> k,
        [Shape("N, 16, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>float q over Half varlen K/V (their own token axis Tk), Hq 8 / Hkv 2 (G 4), D 64: causal.</summary>
[AttentionKernel]
public static partial class VarlenMixF32F16Causal
{
    const int Hq = 8, Hkv = 2, D = 64;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("Tk, Hkv, D")] Tokens<Half> k,
        [Shape("Tk, Hkv, D")] Tokens<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}
