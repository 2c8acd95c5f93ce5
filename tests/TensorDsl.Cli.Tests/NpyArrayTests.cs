using System;
using System.IO;
using TensorDsl.Cli.Npy;

namespace TensorDsl.Cli.Tests;

/// <summary>
/// The .npy reader and writer. Fixtures/ holds files written by NumPy 1.24 (np.save); reading them must give NumPy's
/// values, and writing the same array must give NumPy's bytes exactly.
/// </summary>
public class NpyArrayTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void ReadsNumPyFloat32()
    {
        var array = NpyArray.Read(Fixture("f32_2x3.npy"));
        Assert.Equal(NpyType.Float32, array.Type);
        Assert.Equal(new[] { 2, 3 }, array.Shape);
        Assert.Equal(new[] { 0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f }, array.AsFloat32().ToArray());
    }

    [Fact]
    public void ReadsNumPyFloat16()
    {
        var array = NpyArray.Read(Fixture("f16_4.npy"));
        Assert.Equal(new[] { 4 }, array.Shape);
        Assert.Equal(new[] { (Half)1.5f, (Half)(-2f), Half.MaxValue, (Half)0.000061035156f }, array.AsFloat16().ToArray());
    }

    [Fact]
    public void ReadsNumPyInt32()
    {
        var array = NpyArray.Read(Fixture("i32_2x2x2.npy"));
        Assert.Equal(new[] { 2, 2, 2 }, array.Shape);
        Assert.Equal(new[] { -4, -3, -2, -1, 0, 1, 2, 3 }, array.ToInt32("x"));
    }

    /// <summary>np.array([3, 21, -7]) is int64 by default: metadata saved that way must be read, narrowed to int32.</summary>
    [Fact]
    public void ReadsNumPyInt64AsInt32()
    {
        var array = NpyArray.Read(Fixture("i64_3.npy"));
        Assert.Equal(NpyType.Int64, array.Type);
        Assert.Equal(new[] { 3 }, array.Shape);
        Assert.Equal(new[] { 3, 21, -7 }, array.ToInt32("--seq-lens"));
    }

    [Fact]
    public void Int64OutsideInt32IsRefusedNamingTheElement()
    {
        var array = NpyArray.Read(Fixture("i64_out_of_range_2.npy"));
        var error = Assert.Throws<NpyFormatException>(() => array.ToInt32("--seq-lens"));
        Assert.Equal("--seq-lens: element 1 is 2147483648, outside the int32 range the metadata uses", error.Message);
    }

    [Theory]
    [InlineData("f32_2x3.npy")]
    [InlineData("f16_4.npy")]
    [InlineData("i32_2x2x2.npy")]
    [InlineData("i64_3.npy")]
    [InlineData("f32_scalar.npy")]
    [InlineData("f32_empty_0x4.npy")]
    public void WritesNumPysExactBytes(string name)
    {
        var bytes = File.ReadAllBytes(Fixture(name));
        Assert.Equal(bytes, NpyArray.Parse(bytes).ToBytes());
    }

    [Fact]
    public void ScalarAndEmptyShapes()
    {
        Assert.Empty(NpyArray.Read(Fixture("f32_scalar.npy")).Shape);
        Assert.Equal(3.5f, NpyArray.Read(Fixture("f32_scalar.npy")).AsFloat32()[0]);
        Assert.Equal(new[] { 0, 4 }, NpyArray.Read(Fixture("f32_empty_0x4.npy")).Shape);
    }

    [Fact]
    public void LongHeadersUseFormat2()
    {
        var shape = new int[30000];
        Array.Fill(shape, 1);
        var array = NpyArray.Create(new float[] { 7f }, shape);
        var bytes = array.ToBytes();
        Assert.Equal(2, bytes[6]);
        var back = NpyArray.Parse(bytes);
        Assert.Equal(shape, back.Shape);
        Assert.Equal(0, (bytes.Length - 4) % 64); // data (4 bytes) starts 64-byte aligned
    }

    [Theory]
    [InlineData("f64_2.npy", "element type '<f8' is not supported (float32 '<f4', float16 '<f2', int32 '<i4' and int64 '<i8' are)")]
    [InlineData("f32_big_endian.npy", "big-endian data ('>f4') is not supported; save it little-endian")]
    [InlineData("f32_fortran_2x3.npy", "the array is in Fortran order; save it in C order (numpy.ascontiguousarray)")]
    public void UnsupportedFilesSayWhyInOneLine(string name, string reason)
    {
        var error = Assert.Throws<NpyFormatException>(() => NpyArray.Read(Fixture(name)));
        Assert.Equal($"{Fixture(name)}: {reason}", error.Message);
    }

    [Fact]
    public void TruncatedAndForeignFiles()
    {
        var good = File.ReadAllBytes(Fixture("f32_2x3.npy"));
        Assert.Equal("shape (2, 3) of float32 needs 24 data bytes but the file has 20",
            Assert.Throws<NpyFormatException>(() => NpyArray.Parse(good.AsSpan(0, good.Length - 4))).Message);
        Assert.Equal("truncated header", Assert.Throws<NpyFormatException>(() => NpyArray.Parse(good.AsSpan(0, 40))).Message);
        Assert.Equal("not a NumPy .npy file (no \\x93NUMPY magic)",
            Assert.Throws<NpyFormatException>(() => NpyArray.Parse("hello, world"u8)).Message);
        var version9 = (byte[])good.Clone();
        version9[6] = 9;
        Assert.Equal(".npy format version 9.0 is not supported (1.0, 2.0 and 3.0 are)", Assert.Throws<NpyFormatException>(() => NpyArray.Parse(version9)).Message);
    }

    [Fact]
    public void MissingFileIsOneLine()
    {
        var error = Assert.Throws<NpyFormatException>(() => NpyArray.Read("/no/such/dir/x.npy"));
        Assert.StartsWith("/no/such/dir/x.npy: cannot read the file (", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
