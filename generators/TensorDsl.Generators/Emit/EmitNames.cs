using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.Generators.Emit;

/// <summary>How model values are spelled in generated C#.</summary>
internal static class EmitNames
{
    public static string Element(ElementKind element) => element switch
    {
        ElementKind.Half => "global::System.Half",
        ElementKind.BFloat16 => "global::TensorDsl.BFloat16",
        _ => "float",
    };

    public static string OperandType(OperandModel operand) =>
        $"global::TensorDsl.{operand.Layout}<{Element(operand.Element)}>";

    /// <summary>The generated methods' parameter for an input operand (per-head values are always float).</summary>
    public static string SpanParameter(OperandModel operand) =>
        $"global::System.ReadOnlySpan<{(operand.Layout == OperandLayout.PerHead ? "float" : Element(operand.Element))}> @{operand.Name}";

    public static string Float(float value) =>
        float.IsNaN(value) ? "float.NaN"
        : float.IsPositiveInfinity(value) ? "float.PositiveInfinity"
        : float.IsNegativeInfinity(value) ? "float.NegativeInfinity"
        : value.ToString("R", CultureInfo.InvariantCulture) + "f";

    public static string Literal(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>The run-time size parameters, in order of first appearance in the declaration.</summary>
    public static IReadOnlyList<string> RuntimeDims(KernelModel kernel) =>
        kernel.Parameters.Concat(new[] { kernel.Output })
            .SelectMany(p => p.Shape)
            .SelectMany(d => d.RuntimeNames)
            .Distinct()
            .ToList();

    public static string Shape(OperandModel operand) =>
        "[" + string.Join(", ", operand.Shape.Select(DimText.Describe)) + "]";
}
