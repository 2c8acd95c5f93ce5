using System;
using TensorDsl.Cpu.Simd;
using Xunit;

namespace TensorDsl.Tests.Cpu.Simd;

/// <summary>
/// <see cref="ISimd{TV}.LoadHalf"/> widens every one of the 65,536 fp16 bit patterns — zeros, subnormals, normals,
/// ±∞ and NaNs with their sign and payload — to exactly the bits of <c>(float)Half</c>, at every width, in every
/// lane; except that a signalling NaN may stay signalling (the vector paths keep the payload as it is, where
/// <c>(float)Half</c> also sets the quiet bit): it is a NaN of the same sign and payload either way.
/// </summary>
public sealed class HalfWideningTests
{
    public static TheoryData<string> AllWidths => Widths.All;

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Every_half_widens_to_the_bits_of_the_float_conversion(string width) => Widths.Run(width, new Every());

    private readonly struct Every : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            var source = new ushort[65536 + w];
            for (int i = 0; i < 65536; i++) source[i] = (ushort)i;
            var widened = new float[w];
            for (int start = 0; start < 65536; start += w)
            {
                TSimd.Store(TSimd.LoadHalf(ref source[start]), ref widened[0]);
                for (int lane = 0; lane < w && start + lane < 65536; lane++)
                {
                    int bits = start + lane;
                    int expected = BitConverter.SingleToInt32Bits((float)BitConverter.UInt16BitsToHalf((ushort)bits));
                    int actual = BitConverter.SingleToInt32Bits(widened[lane]);
                    bool nan = (bits & 0x7C00) == 0x7C00 && (bits & 0x03FF) != 0;
                    if (nan && ((expected ^ actual) & ~0x00400000) == 0) continue;
                    if (expected != actual) Assert.Fail($"w={w}: half 0x{bits:X4} widened to 0x{actual:X8}, (float)Half is 0x{expected:X8}");
                }
            }
        }
    }
}
