using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0001;

// TDSL0001 (docs/diagnostics/TDSL0001.md): the kernel type, and a type containing a kernel, are not partial.
[AttentionKernel]
public static class /*@TDSL0001*/Gqa
{
    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

public class /*@TDSL0001*/Model
{
    [AttentionKernel]
    public static partial class Decode
    {
        static Bhsd<float> Attend(
            [Shape("B, 8, Sq, 64")] Bhsd<float> q,
            [Shape("B, 8, Sk, 64")] Bhsd<float> k,
            [Shape("B, 8, Sk, 64")] Bhsd<float> v)
            => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
    }
}
