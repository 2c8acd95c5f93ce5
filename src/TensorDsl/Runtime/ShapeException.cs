using System;
using System.Globalization;

namespace TensorDsl;

/// <summary>
/// A run-time shape, length or metadata value that does not satisfy a kernel's contract. The message always
/// names the parameter, the dimension, what was expected and what was passed (docs/semantics.md#validation), for example
/// <c>Parameter 'k', dimension D: expected 128, actual 96.</c>
/// </summary>
/// <remarks>
/// Derives from <see cref="ArgumentException"/> so callers that already catch bad arguments keep working;
/// <see cref="ArgumentException.ParamName"/> is <see cref="Parameter"/>.
/// </remarks>
public sealed class ShapeException : ArgumentException
{
    public ShapeException(string parameter, string dimension, string expected, long actual)
        : this(parameter, dimension, expected, actual, innerException: null)
    {
    }

    public ShapeException(string parameter, string dimension, string expected, long actual, Exception? innerException)
        : base(Format(parameter, dimension, expected, actual), parameter, innerException)
    {
        Parameter = parameter;
        Dimension = dimension;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The kernel parameter (or metadata array) at fault, e.g. <c>k</c> or <c>queryStartLoc</c>.</summary>
    public string Parameter { get; }

    /// <summary>The dimension or element at fault, e.g. <c>D</c>, <c>length</c> or <c>[3]</c>.</summary>
    public string Dimension { get; }

    /// <summary>What was expected, in words: <c>128</c>, <c>a multiple of 8</c>, <c>≥ 0</c>.</summary>
    public string Expected { get; }

    /// <summary>The value that was passed.</summary>
    public long Actual { get; }

    /// <summary>
    /// The message without the <c>(Parameter '…')</c> suffix <see cref="ArgumentException"/> would append: it
    /// already starts with the parameter's name.
    /// </summary>
    public override string Message => Format(Parameter, Dimension, Expected, Actual);

    private static string Format(string parameter, string dimension, string expected, long actual) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"Parameter '{parameter}', dimension {dimension}: expected {expected}, actual {actual}.");
}
