// Varlen (Tokens q over Tokens K/V, VarlenBatch) and paged (Tokens q over Pages K/V, PagedBatch) kernels for the
// conformance suite: every element type, GQA ratios 1/2/4/8, D 64 and 128, block sizes 1/16/32/128 and every
// feature a Tokens query supports. Conformance/VarlenPagedCatalog.Entries.cs registers them.

using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Tests.Kernels;

/// <summary>float, paged, Hq 4 / Hkv 4 (G 1), D 64, BlockSize 32: Plain.</summary>
[AttentionKernel]
public static partial class PagedF32Plain
{
    const int Hq = 4, Hkv = 4, D = 64, BlockSize = 32;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

/// <summary>float, paged, Hq 8 / Hkv 2 (G 4), D 64, BlockSize 16: Causal.</summary>
[AttentionKernel]
public static partial class PagedF32Causal
{
    const int Hq = 8, Hkv = 2, D = 64, BlockSize = 16;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>float, paged, Hq 8 / Hkv 1 (G 8), D 64, BlockSize 16: Window.</summary>
[AttentionKernel]
public static partial class PagedF32Window
{
    const int Hq = 8, Hkv = 1, D = 64, BlockSize = 16;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) + SlidingWindow(5, 3)).MatMul(v);
}

/// <summary>float, paged, Hq 4 / Hkv 2 (G 2), D 128, BlockSize 1: WindowCausal.</summary>
[AttentionKernel]
public static partial class PagedF32WindowCausal
{
    const int Hq = 4, Hkv = 2, D = 128, BlockSize = 1;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(6)).MatMul(v);
}

/// <summary>float, paged, Hq 8 / Hkv 4 (G 2), D 64, BlockSize 32: Chunked.</summary>
[AttentionKernel]
public static partial class PagedF32Chunked
{
    const int Hq = 8, Hkv = 4, D = 64, BlockSize = 32;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) + ChunkedLocal(8)).MatMul(v);
}

/// <summary>float, paged, Hq 8 / Hkv 8 (G 1), D 64, BlockSize 128: ChunkedCausal.</summary>
[AttentionKernel]
public static partial class PagedF32ChunkedCausal
{
    const int Hq = 8, Hkv = 8, D = 64, BlockSize = 128;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) + Causal() + ChunkedLocal(16)).MatMul(v);
}

/// <summary>float, paged, Hq 8 / Hkv 8 (G 1), D 128, BlockSize 16: Softcap.</summary>
[AttentionKernel]
public static partial class PagedF32Softcap
{
    const int Hq = 8, Hkv = 8, D = 128, BlockSize = 16;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(Softcap(q.MatMul(k.T), 5f) + Causal()).MatMul(v);
}

/// <summary>float, paged, Hq 8 / Hkv 2 (G 4), D 64, BlockSize 128: Alibi.</summary>
[AttentionKernel]
public static partial class PagedF32Alibi
{
    const int Hq = 8, Hkv = 2, D = 64, BlockSize = 128;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v,
        PerHead<float> slopes)
        => Softmax(q.MatMul(k.T) + Alibi(slopes) + Causal()).MatMul(v);
}

/// <summary>float, paged, Hq 8 / Hkv 1 (G 8), D 64, BlockSize 16: Sinks.</summary>
[AttentionKernel]
public static partial class PagedF32Sinks
{
    const int Hq = 8, Hkv = 1, D = 64, BlockSize = 16;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal(), sinks).MatMul(v);
}

/// <summary>float, paged, Hq 4 / Hkv 1 (G 4), D 64, BlockSize 16: MaskLambda.</summary>
[AttentionKernel]
public static partial class PagedF32MaskLambda
{
    const int Hq = 4, Hkv = 1, D = 64, BlockSize = 16;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, q, kv) => (q - kv) % 3 != 1 || kv == 0)).MatMul(v);
}

/// <summary>float, paged, Hq 4 / Hkv 2 (G 2), D 64, BlockSize 32: SeqMask.</summary>
[AttentionKernel]
public static partial class PagedF32SeqMask
{
    const int Hq = 4, Hkv = 2, D = 64, BlockSize = 32;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, q, kv) => kv <= q && ((kv + b + h) % 2 == 0 || kv == q))).MatMul(v);
}

/// <summary>float, paged, Hq 4 / Hkv 2 (G 2), D 64, BlockSize 32: ScoreMod.</summary>
[AttentionKernel]
public static partial class PagedF32ScoreMod
{
    const int Hq = 4, Hkv = 2, D = 64, BlockSize = 32;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(ScoreMod(q.MatMul(k.T), (b, h, qi, kv, s) => 0.75f * s + 0.5f * MathF.Sin(0.3f * (qi - kv) + h)) + Causal()).MatMul(v);
}

/// <summary>float, paged, Hq 8 / Hkv 2 (G 4), D 64, BlockSize 1: Scale.</summary>
[AttentionKernel]
public static partial class PagedF32Scale
{
    const int Hq = 8, Hkv = 2, D = 64, BlockSize = 1;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) * 0.2f + SlidingWindow(4, 4)).MatMul(v);
}

/// <summary>float, paged, Hq 8 / Hkv 4 (G 2), D 128, BlockSize 32: Gemma.</summary>
[AttentionKernel]
public static partial class PagedF32Gemma
{
    const int Hq = 8, Hkv = 4, D = 128, BlockSize = 32;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
        => Softmax(Softcap(q.MatMul(k.T) * 0.25f, 20f) + Causal() + SlidingWindow(7)).MatMul(v);
}

/// <summary>float, paged, Hq 8 / Hkv 1 (G 8), D 64, BlockSize 16: GptOss.</summary>
[AttentionKernel]
public static partial class PagedF32GptOss
{
    const int Hq = 8, Hkv = 1, D = 64, BlockSize = 16;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(9), sinks).MatMul(v);
}

/// <summary>float, paged, Hq 4 / Hkv 2 (G 2), D 64, BlockSize 16: AlibiSinksWindow.</summary>
[AttentionKernel]
public static partial class PagedF32AlibiSinksWindow
{
    const int Hq = 4, Hkv = 2, D = 64, BlockSize = 16;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<float> v,
        PerHead<float> slopes,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) * 0.125f + Alibi(slopes) + SlidingWindow(12, 2), sinks).MatMul(v);
}

/// <summary>Half, paged, Hq 8 / Hkv 1 (G 8), D 128, BlockSize 16: Causal.</summary>
[AttentionKernel]
public static partial class PagedF16Causal
{
    const int Hq = 8, Hkv = 1, D = 128, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>Half, paged, Hq 4 / Hkv 4 (G 1), D 64, BlockSize 32: Window.</summary>
[AttentionKernel]
public static partial class PagedF16Window
{
    const int Hq = 4, Hkv = 4, D = 64, BlockSize = 32;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) + SlidingWindow(5, 3)).MatMul(v);
}

/// <summary>Half, paged, Hq 4 / Hkv 2 (G 2), D 64, BlockSize 16: Alibi.</summary>
[AttentionKernel]
public static partial class PagedF16Alibi
{
    const int Hq = 4, Hkv = 2, D = 64, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v,
        PerHead<float> slopes)
        => Softmax(q.MatMul(k.T) + Alibi(slopes) + Causal()).MatMul(v);
}

/// <summary>Half, paged, Hq 8 / Hkv 2 (G 4), D 128, BlockSize 1: Sinks.</summary>
[AttentionKernel]
public static partial class PagedF16Sinks
{
    const int Hq = 8, Hkv = 2, D = 128, BlockSize = 1;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal(), sinks).MatMul(v);
}

/// <summary>Half, paged, Hq 4 / Hkv 2 (G 2), D 64, BlockSize 128: MaskLambda.</summary>
[AttentionKernel]
public static partial class PagedF16MaskLambda
{
    const int Hq = 4, Hkv = 2, D = 64, BlockSize = 128;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, q, kv) => (q - kv) % 3 != 1 || kv == 0)).MatMul(v);
}

/// <summary>Half, paged, Hq 8 / Hkv 2 (G 4), D 64, BlockSize 32: Softcap.</summary>
[AttentionKernel]
public static partial class PagedF16Softcap
{
    const int Hq = 8, Hkv = 2, D = 64, BlockSize = 32;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(Softcap(q.MatMul(k.T), 5f) + Causal()).MatMul(v);
}

/// <summary>Half, paged, Hq 4 / Hkv 2 (G 2), D 128, BlockSize 16: Gemma.</summary>
[AttentionKernel]
public static partial class PagedF16Gemma
{
    const int Hq = 4, Hkv = 2, D = 128, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(Softcap(q.MatMul(k.T) * 0.25f, 20f) + Causal() + SlidingWindow(7)).MatMul(v);
}

/// <summary>Half, paged, Hq 8 / Hkv 1 (G 8), D 64, BlockSize 16: ChunkedCausal.</summary>
[AttentionKernel]
public static partial class PagedF16ChunkedCausal
{
    const int Hq = 8, Hkv = 1, D = 64, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) + Causal() + ChunkedLocal(16)).MatMul(v);
}

/// <summary>Half, paged, Hq 8 / Hkv 4 (G 2), D 64, BlockSize 16: ScoreMod.</summary>
[AttentionKernel]
public static partial class PagedF16ScoreMod
{
    const int Hq = 8, Hkv = 4, D = 64, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(ScoreMod(q.MatMul(k.T), (b, h, qi, kv, s) => 0.75f * s + 0.5f * MathF.Sin(0.3f * (qi - kv) + h)) + Causal()).MatMul(v);
}

/// <summary>BFloat16, paged, Hq 4 / Hkv 1 (G 4), D 64, BlockSize 16: Causal.</summary>
[AttentionKernel]
public static partial class PagedBF16Causal
{
    const int Hq = 4, Hkv = 1, D = 64, BlockSize = 16;

    static Tokens<BFloat16> Attend(
        [Shape("T, Hq, D")] Tokens<BFloat16> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>BFloat16, paged, Hq 8 / Hkv 8 (G 1), D 64, BlockSize 32: WindowCausal.</summary>
[AttentionKernel]
public static partial class PagedBF16WindowCausal
{
    const int Hq = 8, Hkv = 8, D = 64, BlockSize = 32;

    static Tokens<BFloat16> Attend(
        [Shape("T, Hq, D")] Tokens<BFloat16> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(6)).MatMul(v);
}

/// <summary>BFloat16, paged, Hq 8 / Hkv 4 (G 2), D 128, BlockSize 16: Alibi.</summary>
[AttentionKernel]
public static partial class PagedBF16Alibi
{
    const int Hq = 8, Hkv = 4, D = 128, BlockSize = 16;

    static Tokens<BFloat16> Attend(
        [Shape("T, Hq, D")] Tokens<BFloat16> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> v,
        PerHead<float> slopes)
        => Softmax(q.MatMul(k.T) + Alibi(slopes) + Causal()).MatMul(v);
}

/// <summary>BFloat16, paged, Hq 8 / Hkv 1 (G 8), D 64, BlockSize 128: GptOss.</summary>
[AttentionKernel]
public static partial class PagedBF16GptOss
{
    const int Hq = 8, Hkv = 1, D = 64, BlockSize = 128;

    static Tokens<BFloat16> Attend(
        [Shape("T, Hq, D")] Tokens<BFloat16> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(9), sinks).MatMul(v);
}

/// <summary>BFloat16, paged, Hq 8 / Hkv 2 (G 4), D 64, BlockSize 1: SeqMask.</summary>
[AttentionKernel]
public static partial class PagedBF16SeqMask
{
    const int Hq = 8, Hkv = 2, D = 64, BlockSize = 1;

    static Tokens<BFloat16> Attend(
        [Shape("T, Hq, D")] Tokens<BFloat16> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, q, kv) => kv <= q && ((kv + b + h) % 2 == 0 || kv == q))).MatMul(v);
}

/// <summary>BFloat16, paged, Hq 4 / Hkv 4 (G 1), D 128, BlockSize 32: Softcap.</summary>
[AttentionKernel]
public static partial class PagedBF16Softcap
{
    const int Hq = 4, Hkv = 4, D = 128, BlockSize = 32;

    static Tokens<BFloat16> Attend(
        [Shape("T, Hq, D")] Tokens<BFloat16> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> v)
        => Softmax(Softcap(q.MatMul(k.T), 5f) + Causal()).MatMul(v);
}

/// <summary>BFloat16, paged, Hq 8 / Hkv 4 (G 2), D 64, BlockSize 16: Scale.</summary>
[AttentionKernel]
public static partial class PagedBF16Scale
{
    const int Hq = 8, Hkv = 4, D = 64, BlockSize = 16;

    static Tokens<BFloat16> Attend(
        [Shape("T, Hq, D")] Tokens<BFloat16> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> v)
        => Softmax(q.MatMul(k.T) * 0.2f + SlidingWindow(4, 4)).MatMul(v);
}

/// <summary>BFloat16, paged, Hq 4 / Hkv 2 (G 2), D 64, BlockSize 16: Chunked.</summary>
[AttentionKernel]
public static partial class PagedBF16Chunked
{
    const int Hq = 4, Hkv = 2, D = 64, BlockSize = 16;

    static Tokens<BFloat16> Attend(
        [Shape("T, Hq, D")] Tokens<BFloat16> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> v)
        => Softmax(q.MatMul(k.T) + ChunkedLocal(8)).MatMul(v);
}

/// <summary>float, paged, BlockSize 16, Hq, Hkv and D given at run time: Causal.</summary>
[AttentionKernel]
public static partial class PagedF32RuntimeHeadsCausal
{
    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("N, 16, Hkv, D")] Pages<float> k,
        [Shape("N, 16, Hkv, D")] Pages<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>Half, paged, BlockSize 32, Hq, Hkv and D given at run time: GptOss.</summary>
[AttentionKernel]
public static partial class PagedF16RuntimeHeadsGptOss
{
    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, 32, Hkv, D")] Pages<Half> k,
        [Shape("N, 32, Hkv, D")] Pages<Half> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(9), sinks).MatMul(v);
}

/// <summary>BFloat16, paged, BlockSize 1, Hq, Hkv and D given at run time: Alibi.</summary>
[AttentionKernel]
public static partial class PagedBF16RuntimeHeadsAlibi
{
    static Tokens<BFloat16> Attend(
        [Shape("T, Hq, D")] Tokens<BFloat16> q,
        [Shape("N, 1, Hkv, D")] Pages<BFloat16> k,
        [Shape("N, 1, Hkv, D")] Pages<BFloat16> v,
        PerHead<float> slopes)
        => Softmax(q.MatMul(k.T) + Alibi(slopes) + Causal()).MatMul(v);
}

/// <summary>float, varlen, Hq 8 / Hkv 2 (G 4), D 64: Causal.</summary>
[AttentionKernel]
public static partial class VarlenF32Causal
{
    const int Hq = 8, Hkv = 2, D = 64;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("Tk, Hkv, D")] Tokens<float> k,
        [Shape("Tk, Hkv, D")] Tokens<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}

/// <summary>Half, varlen, Hq 8 / Hkv 1 (G 8), D 128: GptOss.</summary>
[AttentionKernel]
public static partial class VarlenF16GptOss
{
    const int Hq = 8, Hkv = 1, D = 128;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("Tk, Hkv, D")] Tokens<Half> k,
        [Shape("Tk, Hkv, D")] Tokens<Half> v,
        PerHead<float> sinks)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(9), sinks).MatMul(v);
}

/// <summary>BFloat16, varlen, Hq 4 / Hkv 2 (G 2), D 64: Alibi.</summary>
[AttentionKernel]
public static partial class VarlenBF16Alibi
{
    const int Hq = 4, Hkv = 2, D = 64;

    static Tokens<BFloat16> Attend(
        [Shape("T, Hq, D")] Tokens<BFloat16> q,
        [Shape("Tk, Hkv, D")] Tokens<BFloat16> k,
        [Shape("Tk, Hkv, D")] Tokens<BFloat16> v,
        PerHead<float> slopes)
        => Softmax(q.MatMul(k.T) + Alibi(slopes) + Causal()).MatMul(v);
}

/// <summary>float, varlen, Hq 4 / Hkv 4 (G 1), D 64: MaskLambda.</summary>
[AttentionKernel]
public static partial class VarlenF32MaskLambda
{
    const int Hq = 4, Hkv = 4, D = 64;

    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("Tk, Hkv, D")] Tokens<float> k,
        [Shape("Tk, Hkv, D")] Tokens<float> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, q, kv) => (q - kv) % 3 != 1 || kv == 0)).MatMul(v);
}

/// <summary>Half, varlen, Hq 8 / Hkv 4 (G 2), D 64: Window.</summary>
[AttentionKernel]
public static partial class VarlenF16Window
{
    const int Hq = 8, Hkv = 4, D = 64;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("Tk, Hkv, D")] Tokens<Half> k,
        [Shape("Tk, Hkv, D")] Tokens<Half> v)
        => Softmax(q.MatMul(k.T) + SlidingWindow(5, 3)).MatMul(v);
}

/// <summary>float, varlen, Hq, Hkv and D given at run time: Causal.</summary>
[AttentionKernel]
public static partial class VarlenF32RuntimeHeadsCausal
{
    static Tokens<float> Attend(
        [Shape("T, Hq, D")] Tokens<float> q,
        [Shape("Tk, Hkv, D")] Tokens<float> k,
        [Shape("Tk, Hkv, D")] Tokens<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}
