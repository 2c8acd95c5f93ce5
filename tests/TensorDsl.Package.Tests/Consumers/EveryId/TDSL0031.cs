using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0031;

// TDSL0031 (warning): a Spyre kernel with D = 96.
[AttentionKernel(Targets.Spyre)]
public static partial class Paged
{
    const int Hq = 8, Hkv = 2, D = 96, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape(/*@TDSL0031*/"T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}
