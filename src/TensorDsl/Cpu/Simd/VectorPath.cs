using System;
using System.Runtime.Intrinsics;

namespace TensorDsl;

/// <summary>The vector width the CPU kernels run at.</summary>
public enum CpuVectorPath
{
    /// <summary>One float at a time: no vector hardware is enabled.</summary>
    Scalar,

    /// <summary>128-bit vectors (SSE, Arm AdvSimd).</summary>
    Vector128,

    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256,

    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512,
}

/// <summary>Chooses the widest vector path the hardware accelerates, once per process.</summary>
internal static class VectorPaths
{
    /// <summary>
    /// The test-only switch: <c>TENSORDSL_CPU_PATH=512|256|128|scalar</c> forces a path. Forcing 512 on hardware without
    /// AVX-512 runs Vector512's software fallback, so the 512-bit tiles are tested on every machine; the standard
    /// <c>DOTNET_EnableAVX512F=0</c>-style switches can only turn paths off.
    /// </summary>
    public const string Switch = "TENSORDSL_CPU_PATH";

    public static readonly CpuVectorPath Active = Choose(Environment.GetEnvironmentVariable(Switch));

    internal static CpuVectorPath Choose(string? forced) => forced?.Trim().ToLowerInvariant() switch
    {
        "512" => CpuVectorPath.Vector512,
        "256" => CpuVectorPath.Vector256,
        "128" => CpuVectorPath.Vector128,
        "scalar" => CpuVectorPath.Scalar,
        null or "" => Vector512.IsHardwareAccelerated ? CpuVectorPath.Vector512
            : Vector256.IsHardwareAccelerated ? CpuVectorPath.Vector256
            : Vector128.IsHardwareAccelerated ? CpuVectorPath.Vector128
            : CpuVectorPath.Scalar,
        _ => throw new InvalidOperationException(
            $"{Switch}='{forced}' is not one of 512, 256, 128, scalar (it is a test-only switch; unset it to pick the widest path)."),
    };
}
