using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0005;

// TDSL0005: a Tokens query is [T, H, D], but its shape has four dimensions.
[AttentionKernel]
public static partial class Varlen
{
    static Tokens<float> Attend(
        [Shape(/*@TDSL0005*/"B, T, 8, 64")] Tokens<float> q,
        [Shape("Tk, 8, 64")] Tokens<float> k,
        [Shape("Tk, 8, 64")] Tokens<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
