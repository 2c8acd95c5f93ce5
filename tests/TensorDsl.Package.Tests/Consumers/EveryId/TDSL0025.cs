using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0025;

// TDSL0025: the query and the keys are swapped (k has 8 heads, q has 32).
[AttentionKernel]
public static partial class Gqa
{
    static Bhsd<float> Attend(
        [Shape("B, 32, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(/*@TDSL0025*/k.MatMul(q.T)).MatMul(v);
}
