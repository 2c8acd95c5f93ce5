using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0011;

// TDSL0011: the bias has 7 query rows; it must be 1 or Sq.
[AttentionKernel]
public static partial class Biased
{
    const int Hq = 8;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, 64")] Bhsd<float> q,
        [Shape("B, Hq, Sk, 64")] Bhsd<float> k,
        [Shape("B, Hq, Sk, 64")] Bhsd<float> v,
        [Shape(/*@TDSL0011*/"B, Hq, 7, Sk")] Bias<float> bias)
        => Softmax(q.MatMul(k.T) + bias).MatMul(v);
}
