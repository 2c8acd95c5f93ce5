using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0029;

// TDSL0029: a head size of 0.
[AttentionKernel]
public static partial class Gqa
{
    const int D = 0;

    static Bhsd<float> Attend(
        [Shape(/*@TDSL0029*/"B, 8, Sq, D")] Bhsd<float> q,
        [Shape("B, 8, Sk, D")] Bhsd<float> k,
        [Shape("B, 8, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
