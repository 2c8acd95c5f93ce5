using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.Generators.Emit;

/// <summary>How plan values are spelled in generated C#.</summary>
internal static class EmitNames
{
    public static string Element(ElementKind element) => element switch
    {
        ElementKind.Half => "global::System.Half",
        ElementKind.BFloat16 => "global::TensorDsl.BFloat16",
        _ => "float",
    };

    public static string OperandType(OperandPlan operand) =>
        $"global::TensorDsl.{operand.Layout}<{Element(operand.Element)}>";

    /// <summary>The element type an operand's span holds (per-head values are always float).</summary>
    public static string SpanElement(OperandPlan operand) =>
        operand.Layout == Layout.PerHead ? "float" : Element(operand.Element);

    public static string Float(float value) =>
        float.IsNaN(value) ? "float.NaN"
        : float.IsPositiveInfinity(value) ? "float.PositiveInfinity"
        : float.IsNegativeInfinity(value) ? "float.NegativeInfinity"
        : value.ToString("R", CultureInfo.InvariantCulture) + "f";

    /// <summary>A C# string literal of any text: quotes, backslashes and every control or line-break character escaped.</summary>
    public static string Literal(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085' =>
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }

    /// <summary>A user identifier as a C# token: verbatim, so a name that is a keyword (<c>@class</c>) stays a name.</summary>
    public static string Identifier(string name) => "@" + name;

    /// <summary>The kernel's namespace with each part verbatim (<c>@Models.@Bf16</c>), or null for the global one.</summary>
    public static string? Namespace(KernelIdentity identity) => Namespace(identity.Namespace);

    /// <summary><paramref name="ns"/> with each part verbatim, or null for the global namespace.</summary>
    public static string? Namespace(string? ns) => ns is null ? null : string.Join(".", ns.Split('.').Select(Identifier));

    /// <summary><paramref name="typeName"/> (already a C# name) qualified from the global namespace through the kernel's namespace.</summary>
    public static string Qualified(KernelIdentity identity, string typeName) =>
        "global::" + (Namespace(identity) is { } ns ? ns + "." : string.Empty) + typeName;

    /// <summary>The fully qualified name of the kernel type, from the global namespace.</summary>
    public static string QualifiedType(KernelIdentity identity) =>
        Qualified(identity, string.Join(".", identity.TypeChain.Select(t => Identifier(t.Name))));

    /// <summary>
    /// The inputs an entry point takes, in declaration order. Stacked, K stands for the one <c>kvCache</c> span (and its
    /// <c>layout</c>) and V is left out: every writer spells the two signatures from this one list.
    /// </summary>
    public static IEnumerable<(OperandPlan Input, bool IsKvCache)> EntryInputs(KernelPlan plan, bool stacked) =>
        plan.Inputs
            .Where(input => !(stacked && input.Role == OperandRole.Value))
            .Select(input => (input, stacked && input.Role == OperandRole.Key));

    /// <summary>The stacked cache's parameters, in place of K's span.</summary>
    public static string KvCacheParameters(OperandPlan key) =>
        $"global::System.ReadOnlySpan<{SpanElement(key)}> kvCache, global::TensorDsl.KvCacheLayout layout";

    public static string Shape(IEnumerable<DimExpr> shape) => "[" + string.Join(", ", shape.Select(DimText.Describe)) + "]";

    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}

/// <summary>
/// Sizes inside the generated implementation: constants fold to literals, run-time sizes are the implementation's
/// own locals (<c>size0</c>, <c>size1</c>, …), so no user-chosen name can collide with generated code.
/// </summary>
internal sealed class SizeNames
{
    private readonly Dictionary<string, string> _locals = new(System.StringComparer.Ordinal);

    public SizeNames(IEnumerable<RuntimeSize> runtime)
    {
        foreach (var size in runtime)
        {
            _locals[size.Name] = "size" + _locals.Count.ToString(CultureInfo.InvariantCulture);
        }
    }

    public string Local(string name) => _locals[name];

    public string Of(DimExpr dim) => dim.StaticValue is { } value
        ? value.ToString(CultureInfo.InvariantCulture)
        : dim switch
        {
            NamedDim named => _locals[named.Name],
            ProductDim product => "(" + string.Join(" * ", product.Factors.Select(Of)) + ")",
            _ => throw new System.InvalidOperationException("Unknown dimension " + dim),
        };

    /// <summary>The product of some sizes as a long (no int overflow before the guard sees it).</summary>
    public string LongProduct(params DimExpr[] dims) => string.Join(" * ", dims.Select((d, i) => i == 0 ? "(long)" + Of(d) : Of(d)));
}
