using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Bench.Kernels;

/// <summary>
/// D1h: D1 with an fp16 K/V cache — fp32 queries and output, <see cref="Half"/> keys and values
/// <c>[B, Hkv, Sk, D]</c>, fp32 accumulation: K/V have their own element type.
/// </summary>
[AttentionKernel]
public static partial class DecodeGqaHalfKv
{
    const int Hq = 32, Hkv = 8, D = 128;

    static Bshd<float> Attend(
        [Shape("B, 1, Hq, D")] Bshd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<Half> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}
