using System;
using System.Runtime.Intrinsics;
using TensorDsl.Cpu.Simd;
using Xunit;

namespace TensorDsl.Tests.Cpu;

/// <summary>The vector path the kernels take: the widest accelerated one, or the one CI forces for a run.</summary>
public sealed class VectorPathTests
{
    [Fact]
    public void The_active_path_is_the_forced_one_or_the_widest_accelerated()
    {
        string? forced = Environment.GetEnvironmentVariable(VectorPaths.Switch);
        var expected = forced switch
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

        Assert.Equal(expected, AttentionOptions.VectorPath);
    }

    [Theory]
    [InlineData("512", CpuVectorPath.Vector512)]
    [InlineData(" Scalar ", CpuVectorPath.Scalar)]
    [InlineData("128", CpuVectorPath.Vector128)]
    public void The_switch_names_a_path(string value, CpuVectorPath path) => Assert.Equal(path, VectorPaths.Choose(value));

    [Fact]
    public void An_unknown_switch_value_is_refused_with_the_switch_named()
    {
        var error = Assert.Throws<InvalidOperationException>(() => VectorPaths.Choose("avx"));
        Assert.Contains("TENSORDSL_CPU_PATH", error.Message);
    }
}
