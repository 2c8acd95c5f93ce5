using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TensorDsl.Cpu.Simd;
using Xunit;

namespace TensorDsl.Tests.Cpu.Simd;

/// <summary>
/// The tiles' multiply-add follows the hardware: one rounding (fused) where FMA is an instruction, a multiply and an
/// add otherwise — never the software-emulated fused form, which made the 128-bit path slower than the scalar one
/// without FMA (CI's <c>DOTNET_EnableAVX2=0</c> run, which turns FMA off, takes the second branch).
/// </summary>
public sealed class MultiplyAddTests
{
    public static TheoryData<string> AllWidths => Widths.All;

    [Fact]
    public void Hardware_fma_is_what_the_runtime_reports()
    {
        bool expected = Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;
        Assert.Equal(expected, FusedMultiplyAdd.IsHardware);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Every_lane_is_fused_exactly_when_the_hardware_fuses(string width) => Widths.Run(width, new Rounding());

    private readonly struct Rounding : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            // a·b = 1 + 2^-11 + 2^-24 needs 25 bits: rounded on its own it loses the 2^-24 (a tie, to even), fused it keeps it.
            float a = 1f + MathF.Pow(2, -12), b = a;
            float fused = MathF.FusedMultiplyAdd(a, b, -1f);
            float separate = (a * b) + -1f;
            Assert.NotEqual(fused, separate); // the inputs do tell the two apart

            int w = TSimd.Count;
            var result = new float[w];
            TSimd.Store(TSimd.MultiplyAdd(TSimd.Broadcast(a), TSimd.Broadcast(b), TSimd.Broadcast(-1f)), ref result[0]);
            float expected = FusedMultiplyAdd.IsHardware ? fused : separate;
            Assert.All(result, lane => Assert.Equal(expected, lane));
            Assert.Equal(expected, FusedMultiplyAdd.Scalar(a, b, -1f));
        }
    }
}
