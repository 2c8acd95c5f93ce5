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

    /// <summary>Every fp16 bit pattern in order, then <paramref name="w"/> zeros so the last vector load stays inside.</summary>
    private static ushort[] AllHalves(int w)
    {
        var source = new ushort[65536 + w];
        for (int i = 0; i < 65536; i++) source[i] = (ushort)i;
        return source;
    }

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
            var source = AllHalves(w);
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

    /// <summary><see cref="ISimd{TV}.LoadFiniteHalf"/> gives exactly <see cref="ISimd{TV}.LoadHalf"/>'s bits for every finite half.</summary>
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void The_finite_form_equals_the_full_load_on_every_finite_half(string width) => Widths.Run(width, new Finite());

    private readonly struct Finite : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct =>
            EachFiniteHalf<TSimd, TV>(
                (source, i) => TSimd.LoadHalf(ref source[i]),
                (source, i) => TSimd.LoadFiniteHalf(ref source[i]),
                (bits, full, finite) =>
                {
                    if (BitConverter.SingleToInt32Bits(full) != BitConverter.SingleToInt32Bits(finite))
                    {
                        Assert.Fail($"w={TSimd.Count}: half 0x{bits:X4}: finite form {finite}, full load {full}");
                    }
                });
    }

    /// <summary>
    /// Two loads of every fp16 bit pattern, lane by lane, for the finite ones only (±∞ and NaN: the finite and scaled
    /// forms are never used on them): <paramref name="check"/> gets the bits and both widened values.
    /// </summary>
    private static void EachFiniteHalf<TSimd, TV>(Func<ushort[], int, TV> first, Func<ushort[], int, TV> second, Action<int, float, float> check)
        where TSimd : struct, ISimd<TV>
        where TV : struct
    {
        int w = TSimd.Count;
        var source = AllHalves(w);
        var a = new float[w];
        var b = new float[w];
        for (int start = 0; start < 65536; start += w)
        {
            TSimd.Store(first(source, start), ref a[0]);
            TSimd.Store(second(source, start), ref b[0]);
            for (int lane = 0; lane < w && start + lane < 65536; lane++)
            {
                int bits = start + lane;
                if ((bits & 0x7C00) != 0x7C00)
                {
                    check(bits, a[lane], b[lane]);
                }
            }
        }
    }

    /// <summary>
    /// <see cref="ISimd{TV}.LoadScaledHalf"/> is every finite half's value times 2^-112 exactly (compared in double,
    /// where that product is exact), and times <see cref="FiniteHalf.Rebias"/> gives the finite form's bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void The_scaled_form_is_the_value_times_2_to_the_minus_112_on_every_finite_half(string width) => Widths.Run(width, new Scaled());

    private readonly struct Scaled : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct =>
            EachFiniteHalf<TSimd, TV>(
                (source, i) => TSimd.LoadFiniteHalf(ref source[i]),
                (source, i) => TSimd.LoadScaledHalf(ref source[i]),
                (bits, finite, scaled) =>
                {
                    double exact = (double)BitConverter.UInt16BitsToHalf((ushort)bits) * Math.Pow(2, -112);
                    bool sameZero = exact != 0 || BitConverter.SingleToInt32Bits(scaled) == BitConverter.SingleToInt32Bits(finite);
                    if ((double)scaled != exact || !sameZero)
                    {
                        Assert.Fail($"w={TSimd.Count}: half 0x{bits:X4}: scaled form {scaled:E9}, expected {exact:E9}");
                    }

                    if (BitConverter.SingleToInt32Bits(scaled * FiniteHalf.Rebias) != BitConverter.SingleToInt32Bits(finite))
                    {
                        Assert.Fail($"w={TSimd.Count}: half 0x{bits:X4}: scaled form times 2^112 is {scaled * FiniteHalf.Rebias}, finite form {finite}");
                    }
                });
    }

    /// <summary>
    /// <see cref="FiniteHalf.AllFinite"/> finds a single ±∞ or NaN (either sign) anywhere in any row — in a vector's
    /// lanes or a row's tail — and passes the largest finite halves, for row lengths on and off every vector width.
    /// </summary>
    [Fact]
    public void The_tile_check_finds_every_infinity_and_NaN_and_passes_finite_rows()
    {
        ushort[] specials = [0x7C00, 0xFC00, 0x7C01, 0xFE00, 0x7FFF, 0xFFFF];
        ushort[] largest = [0x7BFF, 0xFBFF, 0x0001, 0x8000];
        foreach (int elements in new[] { 1, 7, 8, 15, 16, 17, 31, 32, 33, 64, 128, 130 })
        foreach (bool backToBack in new[] { false, true }) // rows apart, or one run (a dense cache's keys)
        {
            const int rows = 3;
            int stride = elements + 5;
            var data = new ushort[rows * stride];
            var random = new Random(elements);
            for (int i = 0; i < data.Length; i++) data[i] = (ushort)(random.Next(0, 0x7C00) | (random.Next(2) << 15));
            int[] offsets = backToBack ? [0, elements, 2 * elements] : [2 * stride, 0, stride + 3];
            foreach (ushort big in largest)
            {
                data[offsets[2] + elements - 1] = big;
                Assert.True(FiniteHalf.AllFinite(data, offsets, elements), $"{elements} elements: 0x{big:X4} is finite");
            }

            foreach (int row in new[] { 0, 1, 2 })
            foreach (int at in new[] { 0, elements / 2, elements - 1 })
            foreach (ushort special in specials)
            {
                var poisoned = (ushort[])data.Clone();
                poisoned[offsets[row] + at] = special;
                Assert.False(FiniteHalf.AllFinite(poisoned, offsets, elements), $"{elements} elements: 0x{special:X4} at row {row}, element {at}");
            }

            // Outside the rows named, a special is none of the check's business.
            var outside = (ushort[])data.Clone();
            outside[backToBack ? 3 * elements : stride - 1] = 0x7C00;
            Assert.True(FiniteHalf.AllFinite(outside, offsets, elements), $"{elements} elements: a special outside the rows");
        }
    }
}
