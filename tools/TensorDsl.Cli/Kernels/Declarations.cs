using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Cli.Kernels;

// The built-in kernels of `tensordsl run` (docs/cli.md), declared with the DSL like any user kernel: one declaration
// per element type (float32 and float16 .npy files), sizes taken from the inputs at run time.

/// <summary>Dense MHA/GQA, no mask: q [B, Hq, Sq, D], k and v [B, Hkv, Sk, D]; every size from the inputs.</summary>
[AttentionKernel]
public static partial class DenseF32
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

/// <summary>Dense MHA/GQA, causal (bottom-right aligned).</summary>
[AttentionKernel]
public static partial class DenseCausalF32
{
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>Causal sliding window: query position p sees keys p - (Window - 1) .. p (Mistral-style local attention).</summary>
[AttentionKernel]
public static partial class SlidingWindowF32
{
    public const int Window = BuiltInKernels.Window;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(Window - 1)).MatMul(v);
}

/// <summary>Causal with logit softcapping (Gemma-2): s = Cap * tanh(s / Cap) after the 1/sqrt(D) scale.</summary>
[AttentionKernel]
public static partial class SoftcapF32
{
    public const float Cap = BuiltInKernels.SoftcapValue;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(Softcap(q.MatMul(k.T), Cap) + Causal()).MatMul(v);
}

/// <summary>Paged varlen GQA on vLLM v1 metadata: flat q [T, Hq, D] over paged caches [N, BlockSize, Hkv, D], causal.</summary>
[AttentionKernel]
public static partial class PagedF32
{
    public const int BlockSize = BuiltInKernels.PagedBlockSize;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>Dense MHA/GQA, no mask: q [B, Hq, Sq, D], k and v [B, Hkv, Sk, D]; every size from the inputs.</summary>
[AttentionKernel]
public static partial class DenseF16
{
    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

/// <summary>Dense MHA/GQA, causal (bottom-right aligned).</summary>
[AttentionKernel]
public static partial class DenseCausalF16
{
    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>Causal sliding window: query position p sees keys p - (Window - 1) .. p (Mistral-style local attention).</summary>
[AttentionKernel]
public static partial class SlidingWindowF16
{
    public const int Window = BuiltInKernels.Window;

    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(Window - 1)).MatMul(v);
}

/// <summary>Causal with logit softcapping (Gemma-2): s = Cap * tanh(s / Cap) after the 1/sqrt(D) scale.</summary>
[AttentionKernel]
public static partial class SoftcapF16
{
    public const float Cap = BuiltInKernels.SoftcapValue;

    static Bhsd<Half> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<Half> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v)
        => Softmax(Softcap(q.MatMul(k.T), Cap) + Causal()).MatMul(v);
}

/// <summary>Paged varlen GQA on vLLM v1 metadata: flat q [T, Hq, D] over paged caches [N, BlockSize, Hkv, D], causal.</summary>
[AttentionKernel]
public static partial class PagedF16
{
    public const int BlockSize = BuiltInKernels.PagedBlockSize;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>
/// Paged varlen GQA on vLLM v1 metadata for the CPU and for IBM Spyre (`tensordsl spyre`, docs/spyre.md): Llama-3-8B's
/// heads (Hq 32, Hkv 8, D 128), block size 16, causal, fp16. Spyre compiles every shape, so the heads and D are
/// constants here, not sizes from the inputs; the bucketing is the reference design's (KV 256, query padding 32).
/// </summary>
[AttentionKernel(Targets.Cpu | Targets.Spyre, SpyreKvBucket = 256, SpyreQueryPadding = 32)]
public static partial class PagedSpyreF16
{
    public const int Hq = 32, Hkv = 8, D = 128, BlockSize = BuiltInKernels.PagedBlockSize;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}
