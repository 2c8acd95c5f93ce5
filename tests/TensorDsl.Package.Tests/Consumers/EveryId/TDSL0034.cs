using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0034;

// TDSL0034 (warning): the Spyre program has no softcap.
[AttentionKernel(Targets.Spyre)]
public static partial class /*@TDSL0034*/Paged
{
    const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(Softcap(q.MatMul(k.T), 30f) + Causal()).MatMul(v);
}
