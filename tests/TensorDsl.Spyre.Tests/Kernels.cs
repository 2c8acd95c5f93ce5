using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Spyre.Tests;

// The reference design's test heads and head sizes (issue #7): (Hq, Hkv) = (4, 4) and (8, 2), D = 128 and 256, block size
// 16, bottom-right causal. Each also targets the CPU, so one declaration serves both.

[AttentionKernel(Targets.Cpu | Targets.Spyre)]
public static partial class Mha4D128
{
    const int Hq = 4, Hkv = 4, D = 128, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}

[AttentionKernel(Targets.Cpu | Targets.Spyre)]
public static partial class Mha4D256
{
    const int Hq = 4, Hkv = 4, D = 256, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}

[AttentionKernel(Targets.Cpu | Targets.Spyre)]
public static partial class Gqa8x2D128
{
    const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}

[AttentionKernel(Targets.Cpu | Targets.Spyre)]
public static partial class Gqa8x2D256
{
    const int Hq = 8, Hkv = 2, D = 256, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}

/// <summary>A sliding window on top of causal, and per-kernel buckets (KV 128, query padding 8): the mask's other key bounds.</summary>
[AttentionKernel(Targets.Spyre, SpyreKvBucket = 128, SpyreQueryPadding = 8)]
public static partial class WindowGqa
{
    const int Hq = 8, Hkv = 2, D = 64, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal() + SlidingWindow(40)).MatMul(v);
}
