using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0004;

// TDSL0004: an empty dimension in a shape; the diagnostic points at the second comma, inside the string.
[AttentionKernel]
public static partial class Varlen
{
    static Tokens<float> Attend(
        [Shape("B, /*@TDSL0004*/, D")] Tokens<float> q,
        [Shape("T, 8, 64")] Tokens<float> k,
        [Shape("T, 8, 64")] Tokens<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
