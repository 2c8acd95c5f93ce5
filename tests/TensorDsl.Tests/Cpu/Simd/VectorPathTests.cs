using System;
using System.Runtime.Intrinsics;

namespace TensorDsl.Tests.Cpu.Simd;

/// <summary>
/// The test-only switch <c>TENSORDSL_CPU_PATH=512|256|128|scalar</c> that the per-path suite runs rely on: each value
/// forces its width, unset picks the widest accelerated one, anything else is refused, and the process really runs the
/// path the switch names (so a CI run labelled "256" cannot silently test another width).
/// </summary>
public sealed class VectorPathTests
{
    [Theory]
    [InlineData("512", CpuVectorPath.Vector512)]
    [InlineData("256", CpuVectorPath.Vector256)]
    [InlineData("128", CpuVectorPath.Vector128)]
    [InlineData("scalar", CpuVectorPath.Scalar)]
    [InlineData(" Scalar ", CpuVectorPath.Scalar)]
    public void Each_value_forces_its_width(string value, CpuVectorPath expected) =>
        Assert.Equal(expected, VectorPaths.Choose(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Unset_picks_the_widest_accelerated_width(string? value)
    {
        var expected = Vector512.IsHardwareAccelerated ? CpuVectorPath.Vector512
            : Vector256.IsHardwareAccelerated ? CpuVectorPath.Vector256
            : Vector128.IsHardwareAccelerated ? CpuVectorPath.Vector128
            : CpuVectorPath.Scalar;
        Assert.Equal(expected, VectorPaths.Choose(value));
    }

    [Theory]
    [InlineData("avx2")]
    [InlineData("64")]
    public void Other_values_are_refused_naming_the_switch(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => VectorPaths.Choose(value));
        Assert.Contains("TENSORDSL_CPU_PATH", e.Message);
    }

    [Fact]
    public void This_process_runs_the_path_its_environment_names()
    {
        var expected = Environment.GetEnvironmentVariable("TENSORDSL_CPU_PATH")?.Trim().ToLowerInvariant() switch
        {
            "512" => CpuVectorPath.Vector512,
            "256" => CpuVectorPath.Vector256,
            "128" => CpuVectorPath.Vector128,
            "scalar" => CpuVectorPath.Scalar,
            _ => Vector512.IsHardwareAccelerated ? CpuVectorPath.Vector512
                : Vector256.IsHardwareAccelerated ? CpuVectorPath.Vector256
                : Vector128.IsHardwareAccelerated ? CpuVectorPath.Vector128
                : CpuVectorPath.Scalar,
        };
        Assert.Equal(expected, VectorPaths.Active);
    }
}
