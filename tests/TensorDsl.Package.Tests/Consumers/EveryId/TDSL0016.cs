using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0016;

// TDSL0016: a mask lambda reads a mutable static field.
[AttentionKernel]
public static partial class Banded
{
    static int window = 16;

    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => i - j < /*@TDSL0016*/window)).MatMul(v);
}
