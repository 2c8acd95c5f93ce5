using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0023;

// TDSL0023: a Tokens query over dense Bhsd keys and values.
[AttentionKernel]
public static partial class Varlen
{
    static Tokens<float> Attend(
        [Shape("T, 8, 64")] Tokens<float> q,
        [Shape(/*@TDSL0023*/"B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
