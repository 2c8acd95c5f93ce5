using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0021;

// TDSL0021: the bias parameter is declared but never used.
[AttentionKernel]
public static partial class Gqa
{
    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v,
        [Shape("B, 8, Sq, Sk")] Bias<float> /*@TDSL0021*/bias)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
