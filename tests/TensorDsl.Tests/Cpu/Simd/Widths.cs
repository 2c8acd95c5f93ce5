using System;
using System.Runtime.Intrinsics;
using TensorDsl.Cpu.Simd;

namespace TensorDsl.Tests.Cpu.Simd;

/// <summary>A test body written once over <see cref="ISimd{TV}"/>, run by <see cref="Widths.Run"/> at one width.</summary>
internal interface IWidthTest
{
    void Run<TSimd, TV>()
        where TSimd : struct, ISimd<TV>
        where TV : struct;
}

/// <summary>
/// Every vector width of the CPU kernels, instantiated directly (not through <c>TENSORDSL_CPU_PATH</c>, which is read
/// once per process): each test run covers all four. Simd512 runs on Vector512's software fallback on a machine without
/// AVX-512, and every width does under <c>DOTNET_EnableHWIntrinsic=0</c>; both are what CI's extra runs exercise.
/// </summary>
internal static class Widths
{
    public static TheoryData<string> All => new() { "512", "256", "128", "scalar" };

    public static void Run<TTest>(string width, TTest test)
        where TTest : IWidthTest
    {
        switch (width)
        {
            case "512": test.Run<Simd512, Vector512<float>>(); break;
            case "256": test.Run<Simd256, Vector256<float>>(); break;
            case "128": test.Run<Simd128, Vector128<float>>(); break;
            case "scalar": test.Run<SimdScalar, float>(); break;
            default: throw new ArgumentException($"Test bug: no width '{width}'.", nameof(width));
        }
    }

    /// <summary>Floats per vector of <paramref name="width"/>, written here from the vector types, not read from ISimd.</summary>
    public static int Lanes(string width) => width switch
    {
        "512" => 16,
        "256" => 8,
        "128" => 4,
        _ => 1,
    };
}
