using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Bench.Kernels;

/// <summary>
/// D1: one decode step of Llama-style GQA (32 query heads over 8 KV heads, head size 128), fp32. The query is
/// <c>[B, 1, Hq, D]</c> (ONNX Runtime's <c>[B, 1, Hq·D]</c>); the K/V cache is <c>[B, Hkv, Sk, D]</c>, the BNSH
/// layout of ONNX Runtime's GroupQueryAttention past/present cache, so both read the same bytes.
/// </summary>
[AttentionKernel]
public static partial class DecodeGqa
{
    const int Hq = 32, Hkv = 8, D = 128;

    static Bshd<float> Attend(
        [Shape("B, 1, Hq, D")] Bshd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}
