using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0008;

// TDSL0008: k has S = 100, v has S = 200.
[AttentionKernel]
public static partial class Gqa
{
    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, 100, 64")] Bhsd<float> k,
        [Shape(/*@TDSL0008*/"B, 8, 200, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
