using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0033;

// TDSL0033 (warning): a Spyre KV bucket of 200, not a multiple of 64.
[AttentionKernel(Targets.Spyre, SpyreKvBucket = /*@TDSL0033*/200)]
public static partial class Paged
{
    const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}
