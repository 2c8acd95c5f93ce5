using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// The tensor-span overloads of <c>Run</c> and <c>Reference</c>: the same call on
/// <c>System.Numerics.Tensors.ReadOnlyTensorSpan&lt;T&gt;</c> / <c>TensorSpan&lt;T&gt;</c> (so on <c>Tensor&lt;T&gt;</c>),
/// whose lengths give the sizes the span overloads take as ints. Every axis is checked against the declared shape, the
/// memory is viewed as spans (no copy) and the call goes to the same implementation as the span overloads.
/// </summary>
/// <remarks>
/// Written only when every size the span overload takes appears as a whole axis of some tensor (a size seen only inside
/// a product such as <c>G*Hkv</c> cannot be read back from a length), and never for the stacked-cache form.
/// </remarks>
internal static class TensorSpanWriter
{
    private const string Edge = "global::TensorDsl.Runtime.TensorEdge";

    /// <param name="failure">A refused kernel's first error: the overload then only throws it (docs/design.md, "Broken kernels").</param>
    public static void WriteRun(IndentedWriter writer, KernelPlan plan, string impl, string? failure)
    {
        if (Bind(plan) is { } sizes)
        {
            writer.Line();
            Doc(writer, "<c>Run</c>", plan);
            Write(writer, plan, sizes, "Run", failure, w => w.Line($"{impl}.Run({Arguments(plan, sizes)});"));
        }
    }

    /// <param name="writeCall">Writes a statement given as a format whose {0} is the call of the user's declaration.</param>
    public static void WriteReference(IndentedWriter writer, KernelPlan plan, string impl, string? failure, System.Action<IndentedWriter, string> writeCall)
    {
        if (Bind(plan) is { } sizes)
        {
            writer.Line();
            Doc(writer, "<c>Reference</c>", plan);
            Write(writer, plan, sizes, "Reference", failure, w => writeCall(w, $"{impl}.Reference({{0}}, {Arguments(plan, sizes)});"));
        }
    }

    private static void Doc(IndentedWriter writer, string method, KernelPlan plan)
    {
        writer.Line("/// <summary>");
        writer.Line($"/// As the span {method}, on tensor spans (a <c>Tensor&lt;T&gt;</c> converts implicitly): the sizes come from their");
        writer.Line("/// lengths, every axis is checked against the declared shape, and the memory is used in place (row-major, never copied).");
        writer.Line("/// Throws <see cref=\"global::TensorDsl.ShapeException\"/> before touching memory when a rank, length or stride is wrong.");
        writer.Line("/// </summary>");
        writer.Line($"/// <param name=\"output\">{plan.Output.Layout} {EmitNames.Xml(EmitNames.Shape(plan.Output.Shape))}.</param>");
        writer.Line($"/// <param name=\"lse\">Optional log-sum-exp, float {EmitNames.Xml(EmitNames.Shape(plan.LseShape))}; default to skip.</param>");
        writer.Line("/// <param name=\"heads\">Optional: only this contiguous range of query heads.</param>");
    }

    private static void Write(
        IndentedWriter writer, KernelPlan plan, Dictionary<string, (string Tensor, int Axis, string Local)> sizes, string name, string? failure,
        System.Action<IndentedWriter> call)
    {
        var parameters = EntrySignature.Of(plan).EntryParameters(EntryForm.TensorSpans);
        using (writer.Block($"public static void {name}({string.Join(", ", parameters)})"))
        {
            if (failure is not null)
            {
                writer.Line(EntryPointWriter.StubBody(failure));
                return;
            }

            var tensors = Tensors(plan).ToList();
            foreach (var (tensor, shape) in tensors)
            {
                writer.Line($"{Edge}.Rank({EmitNames.Literal(tensor)}, {shape.Count.ToString(CultureInfo.InvariantCulture)}, {Access(tensor)}.Lengths);");
            }

            foreach (var size in plan.RuntimeSizes.Where(s => s.Source == RuntimeSizeSource.Argument))
            {
                var (tensor, axis, local) = sizes[size.Name];
                writer.Line($"int {local} = {Edge}.Size({EmitNames.Literal(tensor)}, {EmitNames.Literal(size.Name)}, {axis.ToString(CultureInfo.InvariantCulture)}, {Access(tensor)}.Lengths);");
            }

            foreach (var (tensor, shape) in tensors)
            {
                WriteLengths(writer, tensor, shape, sizes);
            }

            // The LSE is optional: a default tensor span means "not wanted", so its axes are checked only when given.
            using (writer.Block("if (lse.Rank == " + plan.LseShape.Count.ToString(CultureInfo.InvariantCulture) + ")"))
            {
                WriteLengths(writer, "lse", plan.LseShape.Items, sizes);
            }

            call(writer);
        }
    }

    private static void WriteLengths(IndentedWriter writer, string tensor, IReadOnlyList<DimExpr> shape, Dictionary<string, (string Tensor, int Axis, string Local)> sizes)
    {
        for (var axis = 0; axis < shape.Count; axis++)
        {
            // Axes sized by the batch or the cache length (T, Tk, N) are left to the span overload's length check: each
            // tensor has at most one, so with its other axes checked here its total length pins it.
            if (Expected(shape[axis], sizes) is { } expected && !(sizes.Values.Any(s => s.Tensor == tensor && s.Axis == axis)))
            {
                writer.Line($"{Edge}.Length({EmitNames.Literal(tensor)}, {EmitNames.Literal(DimText.Describe(shape[axis]))}, {axis.ToString(CultureInfo.InvariantCulture)}, {expected}, {Access(tensor)}.Lengths);");
            }
        }
    }

    /// <summary>The implementation's arguments (<see cref="EntrySignature"/>'s order), each tensor span viewed as a span.</summary>
    private static string Arguments(KernelPlan plan, Dictionary<string, (string Tensor, int Axis, string Local)> sizes) =>
        EntrySignature.Of(plan).Arguments(value => value.Part switch
        {
            CallPart.Input => $"{Edge}.Span({EmitNames.Literal(value.Operand!.Name)}, {value.EntryName})",
            CallPart.Output => $"{Edge}.Span(\"output\", output)",
            CallPart.Lse => $"{Edge}.OptionalSpan(\"lse\", {plan.LseShape.Count.ToString(CultureInfo.InvariantCulture)}, lse)",
            CallPart.Size => sizes[value.Size!.Name].Local,
            _ => value.EntryName,
        });

    /// <summary>
    /// Where each size the caller would pass is read: the first whole axis of that name, inputs in declaration order then
    /// the output. Null when some size has no such axis (then there is no tensor overload).
    /// </summary>
    private static Dictionary<string, (string Tensor, int Axis, string Local)>? Bind(KernelPlan plan)
    {
        var result = new Dictionary<string, (string, int, string)>(System.StringComparer.Ordinal);
        var index = 0;
        foreach (var size in plan.RuntimeSizes.Where(s => s.Source == RuntimeSizeSource.Argument))
        {
            var found = Tensors(plan)
                .SelectMany(t => t.Shape.Select((dim, axis) => (t.Name, Axis: axis, Dim: dim)))
                .FirstOrDefault(d => d.Dim is NamedDim named && named.Name == size.Name && named.StaticValue is null);
            if (found.Name is null)
            {
                return null;
            }

            result[size.Name] = (found.Name, found.Axis, GeneratedNames.SizeLocalPrefix + (index++).ToString(CultureInfo.InvariantCulture));
        }

        return result;
    }

    private static IEnumerable<(string Name, IReadOnlyList<DimExpr> Shape)> Tensors(KernelPlan plan) =>
        plan.Inputs.Select(input => (input.Name, (IReadOnlyList<DimExpr>)input.Shape.Items))
            .Concat(new[] { ("output", (IReadOnlyList<DimExpr>)plan.Output.Shape.Items) });

    /// <summary>The declared size of an axis as a C# long expression, or null when the batch or a cache length gives it.</summary>
    private static string? Expected(DimExpr dim, Dictionary<string, (string Tensor, int Axis, string Local)> sizes)
    {
        if (dim.StaticValue is { } value)
        {
            return value.ToString(CultureInfo.InvariantCulture) + "L";
        }

        return dim switch
        {
            NamedDim named when sizes.TryGetValue(named.Name, out var size) => "(long)" + size.Local,
            ProductDim product when product.Factors.Select(f => Expected(f, sizes)).ToList() is var factors && factors.All(f => f is not null) =>
                "(" + string.Join(" * ", factors) + ")",
            _ => null,
        };
    }

    private static string Access(string tensor) => tensor is "output" or "lse" ? tensor : EmitNames.Identifier(tensor);
}
