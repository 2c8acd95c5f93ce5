using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0035;

// TDSL0035 (warning): 96 static Spyre shapes for a budget of 40.
[AttentionKernel(Targets.Spyre, SpyreMaxNumSeqs = 4, SpyreMaxModelLen = 512, SpyreVariantBudget = /*@TDSL0035*/40)]
public static partial class Paged
{
    const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}
