using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0024;

// TDSL0024: a tensor parameter named like a parameter of the generated entry points.
[AttentionKernel]
public static partial class Gqa
{
    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape(/*@TDSL0024*/"B, 8, Sk, 64")] Bhsd<float> layout)
        => Softmax(q.MatMul(k.T)).MatMul(layout);
}
