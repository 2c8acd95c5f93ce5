using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Bench.Kernels;

/// <summary>
/// M1: a vLLM v1 mixed batch (prefills, chunked prefills and decodes in one call) — flat <c>[T, Hq, D]</c> fp32
/// queries over a paged fp32 KV cache <c>[N, 16, Hkv, D]</c> addressed through a <see cref="PagedBatch"/>, each
/// sequence causal and bottom-right aligned.
/// </summary>
[AttentionKernel]
public static partial class PagedMixedBatch
{
    const int Hq = 32, Hkv = 8, D = 128, BlockSize = 16;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}
