using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0030;

// TDSL0030: the output is Half under a float query, and v is BFloat16 under Half keys (a Half KV cache under
// float queries is fine).
[AttentionKernel]
public static partial class Gqa
{
    static /*@TDSL0030*/Bhsd<Half> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<Half> k,
        [Shape(/*@TDSL0030*/"B, 8, Sk, 64")] Bhsd<BFloat16> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
