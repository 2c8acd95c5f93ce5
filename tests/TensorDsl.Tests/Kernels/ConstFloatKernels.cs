// Kernel declarations for the conformance suite. Each one is compiled by the TensorDsl generator into Run (the
// fused CPU kernel under test) and Reference (the eager fp64 oracle); Conformance/KernelCatalog*.cs registers them.
using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Tests.Kernels;

/// <summary>float, Bhsd, const D = 64, Hq/Hkv = 8/8 (G = 1), no mask.</summary>
[AttentionKernel]
public static partial class F32D64G1
{
    const int Hq = 8, Hkv = 8, D = 64;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

/// <summary>float, Bshd, const D = 64, Hq/Hkv = 8/4 (G = 2), causal window 5.</summary>
[AttentionKernel]
public static partial class F32D64G2
{
    const int Hq = 8, Hkv = 4, D = 64;

    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(5)).MatMul(v);
}

/// <summary>float, Bhsd, const D = 64, Hq/Hkv = 16/4 (G = 4), no mask.</summary>
[AttentionKernel]
public static partial class F32D64G4
{
    const int Hq = 16, Hkv = 4, D = 64;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

/// <summary>float, Bshd, const D = 64, Hq/Hkv = 32/4 (G = 8), causal window 5.</summary>
[AttentionKernel]
public static partial class F32D64G8
{
    const int Hq = 32, Hkv = 4, D = 64;

    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(5)).MatMul(v);
}

/// <summary>float, Bshd, const D = 80, Hq/Hkv = 8/8 (G = 1), causal.</summary>
[AttentionKernel]
public static partial class F32D80G1
{
    const int Hq = 8, Hkv = 8, D = 80;

    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}

/// <summary>float, Bhsd, const D = 80, Hq/Hkv = 8/4 (G = 2), softcap 30, causal.</summary>
[AttentionKernel]
public static partial class F32D80G2
{
    const int Hq = 8, Hkv = 4, D = 80;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(Softcap(q.MatMul(k.T), 30f) + Causal()).MatMul(v);
}

/// <summary>float, Bshd, const D = 80, Hq/Hkv = 16/4 (G = 4), causal.</summary>
[AttentionKernel]
public static partial class F32D80G4
{
    const int Hq = 16, Hkv = 4, D = 80;

    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}

/// <summary>float, Bhsd, const D = 80, Hq/Hkv = 32/4 (G = 8), softcap 30, causal.</summary>
[AttentionKernel]
public static partial class F32D80G8
{
    const int Hq = 32, Hkv = 4, D = 80;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(Softcap(q.MatMul(k.T), 30f) + Causal()).MatMul(v);
}

/// <summary>float, Bhsd, const D = 128, Hq/Hkv = 8/8 (G = 1), causal window 5.</summary>
[AttentionKernel]
public static partial class F32D128G1
{
    const int Hq = 8, Hkv = 8, D = 128;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(5)).MatMul(v);
}

/// <summary>float, Bshd, const D = 128, Hq/Hkv = 8/4 (G = 2), no mask.</summary>
[AttentionKernel]
public static partial class F32D128G2
{
    const int Hq = 8, Hkv = 4, D = 128;

    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

/// <summary>float, Bhsd, const D = 128, Hq/Hkv = 16/4 (G = 4), causal window 5.</summary>
[AttentionKernel]
public static partial class F32D128G4
{
    const int Hq = 16, Hkv = 4, D = 128;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(5)).MatMul(v);
}

/// <summary>float, Bshd, const D = 128, Hq/Hkv = 32/4 (G = 8), no mask.</summary>
[AttentionKernel]
public static partial class F32D128G8
{
    const int Hq = 32, Hkv = 4, D = 128;

    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

/// <summary>float, Bshd, const D = 256, Hq/Hkv = 8/8 (G = 1), softcap 30, causal.</summary>
[AttentionKernel]
public static partial class F32D256G1
{
    const int Hq = 8, Hkv = 8, D = 256;

    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(Softcap(q.MatMul(k.T), 30f) + Causal()).MatMul(v);
}

/// <summary>float, Bhsd, const D = 256, Hq/Hkv = 8/4 (G = 2), causal.</summary>
[AttentionKernel]
public static partial class F32D256G2
{
    const int Hq = 8, Hkv = 4, D = 256;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}

/// <summary>float, Bshd, const D = 256, Hq/Hkv = 16/4 (G = 4), softcap 30, causal.</summary>
[AttentionKernel]
public static partial class F32D256G4
{
    const int Hq = 16, Hkv = 4, D = 256;

    static Bshd<float> Attend(
        [Shape("B, Sq, Hq, D")] Bshd<float> q,
        [Shape("B, Sk, Hkv, D")] Bshd<float> k,
        [Shape("B, Sk, Hkv, D")] Bshd<float> v)
        => Softmax(Softcap(q.MatMul(k.T), 30f) + Causal()).MatMul(v);
}

/// <summary>float, Bhsd, const D = 256, Hq/Hkv = 32/4 (G = 8), causal.</summary>
[AttentionKernel]
public static partial class F32D256G8
{
    const int Hq = 32, Hkv = 4, D = 256;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, D")] Bhsd<float> q,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}
