using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0015;

// TDSL0015 (warning): Spyre lowers only Tokens queries over a Pages cache; the CPU target still gets this dense kernel.
[AttentionKernel(Targets.Cpu | Targets.Spyre)]
public static partial class /*@TDSL0015*/Gqa
{
    const int D = 128;

    static Bhsd<Half> Attend(
        [Shape("B, 32, Sq, 128")] Bhsd<Half> q,
        [Shape("B, 8, Sk, 128")] Bhsd<Half> k,
        [Shape("B, 8, Sk, 128")] Bhsd<Half> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}
