using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0009;

// TDSL0009: the declared output has D = 64, the expression yields D = 128.
[AttentionKernel]
public static partial class Gqa
{
    const int Hq = 32, D = 128;

    [return: Shape(/*@TDSL0009*/"B, Hq, Sq, 64")]
    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, 8, Sk, D")] Bhsd<float> k,
        [Shape("B, 8, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
