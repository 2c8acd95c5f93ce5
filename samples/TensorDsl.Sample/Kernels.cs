using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Sample;

/// <summary>Llama-style grouped-query attention: 32 query heads share 8 KV heads, head size 128, causal.</summary>
[AttentionKernel]
public static partial class LlamaGqa
{
    const int Hq = 32, Hkv = 8, D = 128;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}

/// <summary>
/// Gemma-2-style local layer: logit softcap 50, causal sliding window of 4096 keys, 8 query heads over 4 KV heads,
/// head size 256, tokens-major [B, S, H, D] layout and Half storage.
/// </summary>
[AttentionKernel]
public static partial class GemmaLocal
{
    const int Hq = 8, Hkv = 4, D = 256, Window = 4096;

    static Bshd<Half> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<Half> q,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
        [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
        => Softmax(Softcap(q.MatMul(k.T) * Rsqrt(D), 50f) + Causal() + SlidingWindow(Window - 1)).MatMul(v);
}

/// <summary>
/// vLLM-style paged GQA: flat <c>[T, Hq, D]</c> queries of a mixed batch over a paged KV cache
/// <c>[N, BlockSize, Hkv, D]</c>, addressed through <c>block_table</c> (vLLM v1 metadata in a <see cref="PagedBatch"/>).
/// </summary>
[AttentionKernel]
public static partial class PagedGqa
{
    const int Hq = 32, Hkv = 8, D = 128, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}
