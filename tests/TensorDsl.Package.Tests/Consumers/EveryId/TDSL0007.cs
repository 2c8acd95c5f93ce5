using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0007;

// TDSL0007: q has D = 128, k has D = 96.
[AttentionKernel]
public static partial class Gqa
{
    const int D = 128;

    static Bhsd<float> Attend(
        [Shape("B, 32, Sq, D")] Bhsd<float> q,
        [Shape(/*@TDSL0007*/"B, 8, Sk, 96")] Bhsd<float> k,
        [Shape("B, 8, Sk, 96")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
