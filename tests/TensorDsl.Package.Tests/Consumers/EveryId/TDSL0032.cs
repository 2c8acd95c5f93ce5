using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0032;

// TDSL0032 (warning): a Spyre kernel in fp32, on each of q, k and v.
[AttentionKernel(Targets.Spyre)]
public static partial class Paged
{
    const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

    static Tokens<float> Attend(
        [Shape(/*@TDSL0032*/"T, Hq, D")] Tokens<float> q,
        [Shape(/*@TDSL0032*/"N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape(/*@TDSL0032*/"N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}
