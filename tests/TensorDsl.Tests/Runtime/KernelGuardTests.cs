using System;
using TensorDsl.Runtime;

namespace TensorDsl.Tests.Runtime;

/// <summary>
/// <see cref="KernelGuard"/>: each check passes its value through (or returns nothing) on success and throws a
/// <see cref="ShapeException"/> naming the parameter, the dimension, what was expected and what was passed on failure.
/// </summary>
public sealed class KernelGuardTests
{
    private static void AssertShape(
        Action action, string parameter, string dimension, string expected, long actual)
    {
        var e = Assert.Throws<ShapeException>(action);
        Assert.Equal(parameter, e.Parameter);
        Assert.Equal(dimension, e.Dimension);
        Assert.Equal(expected, e.Expected);
        Assert.Equal(actual, e.Actual);
        Assert.Equal($"Parameter '{parameter}', dimension {dimension}: expected {expected}, actual {actual}.", e.Message);
    }

    // ---- ShapeException ---------------------------------------------------------------------------------------

    [Fact]
    public void ShapeException_properties_and_message()
    {
        var e = new ShapeException("k", "D", "128", 96);
        Assert.Equal("k", e.Parameter);
        Assert.Equal("D", e.Dimension);
        Assert.Equal("128", e.Expected);
        Assert.Equal(96, e.Actual);
        Assert.Equal("Parameter 'k', dimension D: expected 128, actual 96.", e.Message); // the example of docs/semantics.md#validation
        Assert.Equal("k", e.ParamName);
        Assert.Null(e.InnerException);
        Assert.IsAssignableFrom<ArgumentException>(e);
    }

    [Fact]
    public void ShapeException_message_has_no_ArgumentException_suffix()
    {
        var e = new ShapeException("queryStartLoc", "[3]", "≥ 7 (queryStartLoc[2])", 5);
        Assert.DoesNotContain("(Parameter", e.Message);
        Assert.Equal("Parameter 'queryStartLoc', dimension [3]: expected ≥ 7 (queryStartLoc[2]), actual 5.", e.Message);
    }

    [Fact]
    public void ShapeException_keeps_the_inner_exception()
    {
        var inner = new InvalidOperationException("cause");
        var e = new ShapeException("v", "Hkv", "8", 4, inner);
        Assert.Same(inner, e.InnerException);
        Assert.Equal("Parameter 'v', dimension Hkv: expected 8, actual 4.", e.Message);
    }

    [Fact]
    public void ShapeException_formats_large_and_negative_actuals_invariantly()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            // A culture with a different minus sign and digit grouping must not leak into the message.
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("sv-SE");
            var e = new ShapeException("q", "element count", "≤ 2147483647", -4611686014132420609L);
            Assert.Equal(
                "Parameter 'q', dimension element count: expected ≤ 2147483647, actual -4611686014132420609.", e.Message);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    // ---- Dim / Positive ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void Dim_returns_a_non_negative_size(int size) => Assert.Equal(size, KernelGuard.Dim("q", "Sq", size));

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Dim_rejects_a_negative_size(int size) =>
        AssertShape(() => KernelGuard.Dim("q", "Sq", size), "q", "Sq", "≥ 0", size);

    [Theory]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void Positive_returns_a_positive_size(int size) => Assert.Equal(size, KernelGuard.Positive("k", "Hkv", size));

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Positive_rejects_zero_and_negative(int size) =>
        AssertShape(() => KernelGuard.Positive("k", "Hkv", size), "k", "Hkv", "> 0", size);

    // ---- Product ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(4L, 8L, 32)]
    [InlineData(0L, int.MaxValue, 0)]
    [InlineData(1L, int.MaxValue, int.MaxValue)]
    [InlineData(46341L, 46340L, 2147441940)] // just under 2^31
    public void Product_returns_the_product(long left, long right, int expected) =>
        Assert.Equal(expected, KernelGuard.Product("q", "G*Hkv", left, right));

    [Theory]
    [InlineData(46341L, 46341L, 2147488281L)] // 46341² = 2^31 + 4634 -> just over
    [InlineData(2L, 1073741824L, 2147483648L)]  // exactly 2^31
    [InlineData(2147483647L, 2147483647L, 4611686014132420609L)]
    public void Product_rejects_a_product_over_int(long left, long right, long product) =>
        AssertShape(() => KernelGuard.Product("q", "G*Hkv", left, right), "q", "G*Hkv", "≤ 2147483647", product);

    // ---- Equal / MultipleOf ---------------------------------------------------------------------------------------

    [Fact]
    public void Equal_accepts_equal_sizes() => KernelGuard.Equal("k", "D", 128, 128);

    [Theory]
    [InlineData(128L, 96L)]
    [InlineData(0L, -1L)]
    [InlineData(3000000000L, 5L)]
    public void Equal_rejects_a_different_size(long expected, long actual) =>
        AssertShape(() => KernelGuard.Equal("k", "D", expected, actual), "k", "D", expected.ToString(), actual);

    [Theory]
    [InlineData(8L, 32L)]
    [InlineData(8L, 0L)]
    [InlineData(1L, 7L)]
    [InlineData(3L, -9L)]
    public void MultipleOf_accepts_multiples(long divisor, long actual) => KernelGuard.MultipleOf("q", "Hq", divisor, actual);

    [Theory]
    [InlineData(8L, 12L)]
    [InlineData(3L, 1L)]
    [InlineData(3L, -7L)]
    public void MultipleOf_rejects_a_non_multiple(long divisor, long actual) =>
        AssertShape(() => KernelGuard.MultipleOf("q", "Hq", divisor, actual), "q", "Hq", $"a multiple of {divisor}", actual);

    [Theory]
    [InlineData(0L)]
    [InlineData(-2L)]
    public void MultipleOf_reports_a_bad_divisor(long divisor) =>
        AssertShape(() => KernelGuard.MultipleOf("q", "Hq", divisor, 8), "q", "Hq divisor", "> 0", divisor);

    // ---- Elements -------------------------------------------------------------------------------------------------

    [Fact]
    public void Elements_returns_the_element_count()
    {
        Assert.Equal(7, KernelGuard.Elements("x", 7));
        Assert.Equal(0, KernelGuard.Elements("x", 0));
        Assert.Equal(12, KernelGuard.Elements("x", 3, 4));
        Assert.Equal(60, KernelGuard.Elements("x", 3, 4, 5));
        Assert.Equal(360, KernelGuard.Elements("x", 3, 4, 5, 6));
        Assert.Equal(0, KernelGuard.Elements("x", 3, 0, 5, 6));
        Assert.Equal(int.MaxValue, KernelGuard.Elements("x", 1, 1, 1, int.MaxValue));
        Assert.Equal(0, KernelGuard.Elements("x", 0, int.MaxValue, int.MaxValue, int.MaxValue));
    }

    [Fact]
    public void Elements_of_an_empty_tensor_is_zero_whatever_the_other_sizes()
    {
        // The documented contract: "throws if a size is negative or the count exceeds int". A [65536, 65536, 0, 8]
        // tensor has 0 elements, so neither applies; a partial product over int must not make it throw.
        Assert.Equal(0, KernelGuard.Elements("x", 65536, 65536, 0, 8));
        Assert.Equal(0, KernelGuard.Elements("x", 65536, 65536, 0));
        Assert.Equal(0, KernelGuard.Elements("x", int.MaxValue, int.MaxValue, 1, 0));
    }

    [Fact]
    public void Elements_names_the_negative_dimension()
    {
        AssertShape(() => KernelGuard.Elements("x", -1), "x", "dimension 0", "≥ 0", -1);
        AssertShape(() => KernelGuard.Elements("x", -1, 4), "x", "dimension 0", "≥ 0", -1);
        AssertShape(() => KernelGuard.Elements("x", 3, -4), "x", "dimension 1", "≥ 0", -4);
        AssertShape(() => KernelGuard.Elements("x", 3, 4, -5), "x", "dimension 2", "≥ 0", -5);
        AssertShape(() => KernelGuard.Elements("x", 3, 4, 5, -6), "x", "dimension 3", "≥ 0", -6);
        // A zero elsewhere does not hide a negative size.
        AssertShape(() => KernelGuard.Elements("x", 0, 4, 5, -6), "x", "dimension 3", "≥ 0", -6);
    }

    [Fact]
    public void Elements_rejects_a_count_over_int()
    {
        AssertShape(() => KernelGuard.Elements("x", 65536, 32768), "x", "element count", "≤ 2147483647", 1L << 31);
        AssertShape(() => KernelGuard.Elements("x", 1024, 1024, 2048), "x", "element count", "≤ 2147483647", 1L << 31);
        AssertShape(
            () => KernelGuard.Elements("x", 2, 2, 2, 1 << 28), "x", "element count", "≤ 2147483647", 1L << 31);
        // Overflow in a partial product is reported even when a later size would not be reached.
        AssertShape(
            () => KernelGuard.Elements("x", int.MaxValue, int.MaxValue, 1, 1),
            "x", "element count", "≤ 2147483647", (long)int.MaxValue * int.MaxValue);
    }

    // ---- SpanLength / OptionalSpanLength -------------------------------------------------------------------------------

    [Fact]
    public void SpanLength_accepts_the_exact_length() => KernelGuard.SpanLength("output", 24, 24);

    [Theory]
    [InlineData(24, 23)]
    [InlineData(24, 25)]
    [InlineData(0, 1)]
    public void SpanLength_rejects_any_other_length(int expected, int actual) =>
        AssertShape(() => KernelGuard.SpanLength("output", expected, actual), "output", "length", expected.ToString(), actual);

    [Theory]
    [InlineData(12, 0)]
    [InlineData(12, 12)]
    [InlineData(0, 0)]
    public void OptionalSpanLength_accepts_empty_or_exact(int expected, int actual) =>
        KernelGuard.OptionalSpanLength("lse", expected, actual);

    [Theory]
    [InlineData(12, 11)]
    [InlineData(12, 13)]
    [InlineData(0, 1)]
    public void OptionalSpanLength_rejects_any_other_length(int expected, int actual) =>
        AssertShape(
            () => KernelGuard.OptionalSpanLength("lse", expected, actual),
            "lse", "length", $"0 (not requested) or {expected}", actual);
}
