using System;
using System.Runtime.CompilerServices;

namespace TensorDsl.Cpu.Simd;

/// <summary>
/// Which multiply-add the tiles use: the fused instruction where the hardware has one, else a multiply and an add.
/// </summary>
/// <remarks>
/// Without hardware FMA (x86 before Haswell, or a run with <c>DOTNET_EnableAVX2=0</c>, which in .NET 10 also turns FMA
/// off) <c>Vector128.FusedMultiplyAdd</c> and <c>MathF.FusedMultiplyAdd</c> are emulated (a C-runtime <c>fmaf</c> call
/// per lane): the 128-bit tiles ran 2× slower than the scalar ones. A multiply and an add round twice, which the
/// softmax's exp and the fp32 accumulations tolerate (docs/design.md, "Vector paths"). <see cref="IsHardware"/> is a
/// JIT-time constant, so each process compiles one form, every call and thread uses it, and results stay bitwise
/// identical across thread counts and head slices; they differ (in the last bits) between machines with and without
/// FMA, as they already differ between paths.
/// </remarks>
internal static class FusedMultiplyAdd
{
    /// <summary>Whether fused multiply-add is an instruction here: x86 FMA3, or Arm AdvSimd (always fused).</summary>
    public static bool IsHardware
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;
    }

    /// <summary><c>a · b + c</c> for one float, by the same rule as the vector paths.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scalar(float a, float b, float c) => IsHardware ? MathF.FusedMultiplyAdd(a, b, c) : (a * b) + c;
}
