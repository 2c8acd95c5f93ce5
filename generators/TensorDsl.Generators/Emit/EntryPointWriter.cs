using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// The public entry points added to the user's partial type. Each body is one call into the file-local
/// implementation with fully qualified names, so nothing the user declares (members, parameters, types) can change
/// what it binds to.
/// </summary>
internal static class EntryPointWriter
{
    /// <summary>
    /// Writes the entry points: each lowered target's (<paramref name="targets"/>), then <c>Reference</c>, which every
    /// kernel has. With <paramref name="failure"/> (a kernel whose declaration has errors) every body throws that text
    /// instead of forwarding, and no implementation exists: callers still compile, so the build shows the one TDSL
    /// error and nothing that follows from it (docs/design.md, "Broken kernels").
    /// </summary>
    public static void Write(IndentedWriter writer, KernelPlan plan, IReadOnlyList<ITargetEmitter> targets, string? failure = null)
    {
        var impl = Implementation(plan);
        foreach (var target in targets)
        {
            target.WriteEntryPoints(writer, plan, failure);
        }

        writer.Line("/// <summary>");
        writer.Line("/// Runs the same declaration through the eager reference engine (scalar, fp64 accumulation): the oracle");
        writer.Line("/// the generated kernel is tested against. Same arguments and checks as <c>Run</c>.");
        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"heads\">Optional: write only this contiguous range of query heads, as <c>Run</c> does.</param>");
        var signature = EntrySignature.Of(plan);
        using (writer.Block($"public static void Reference({string.Join(", ", signature.EntryParameters(EntryForm.Spans))})"))
        {
            if (failure is not null)
            {
                writer.Line(StubBody(failure));
            }
            else
            {
                WriteDeclaredCall(writer, plan, $"{impl}.Reference({{0}}, {signature.Arguments()});");
            }
        }

        TensorSpanWriter.WriteReference(writer, plan, impl, failure, (w, format) => WriteDeclaredCall(w, plan, format));
    }

    /// <summary>
    /// The statement <paramref name="format"/> with {0} the call of the user's declaration, which builds the expression
    /// tree the reference engine evaluates. Where the declaration carries attributes that bind its callers, the call goes
    /// through <see cref="WriteMarkedCall"/>.
    /// </summary>
    public static void WriteDeclaredCall(IndentedWriter writer, KernelPlan plan, string format)
    {
        var declared = $"{EmitNames.QualifiedType(plan.Identity)}.{EmitNames.Identifier(plan.Identity.MethodName)}("
            + string.Join(", ", plan.Inputs.Select(p => $"new {EmitNames.OperandType(p)}({EmitNames.Literal(p.Name)})")) + ")!"; // a declaration may annotate its result nullable
        if (plan.Identity.Marks is { } marks)
        {
            WriteMarkedCall(writer, marks, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, "Declared()"), EmitNames.OperandType(plan.Output), declared);
        }
        else
        {
            writer.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, declared));
        }
    }

    /// <summary>
    /// The expression method carries attributes that bind its callers ([Obsolete], [Experimental], Requires…). The call
    /// goes through a local function that carries them too — so the call inside it is in their context and reports
    /// nothing, whatever their severity — and the one call of that function is under a pragma for exactly their IDs.
    /// Nothing is passed on to the user's callers of Reference (docs/design.md, "Generated code and the user's attributes").
    /// </summary>
    private static void WriteMarkedCall(IndentedWriter writer, MethodMarks marks, string statement, string returnType, string declared)
    {
        var ids = new List<string>();
        var attributes = new List<string>();
        if (marks.Obsolete)
        {
            ids.Add("CS0612");
            attributes.Add("[global::System.Obsolete]"); // warning-level whatever the user's is, so the pragma covers it
        }

        foreach (var id in marks.ExperimentalIds)
        {
            ids.Add(id);
            attributes.Add($"[global::System.Diagnostics.CodeAnalysis.Experimental({EmitNames.Literal(id)})]");
        }

        void Requires(string? message, string id, string attribute)
        {
            if (message is not null)
            {
                ids.Add(id);
                attributes.Add($"[global::System.Diagnostics.CodeAnalysis.{attribute}({EmitNames.Literal(message)})]");
            }
        }

        Requires(marks.RequiresUnreferencedCode, "IL2026", "RequiresUnreferencedCode");
        Requires(marks.RequiresDynamicCode, "IL3050", "RequiresDynamicCode");
        Requires(marks.RequiresAssemblyFiles, "IL3002", "RequiresAssemblyFiles");
        var pragma = string.Join(", ", ids.Distinct(System.StringComparer.Ordinal));
        writer.Line($"#pragma warning disable {pragma}");
        writer.Line(statement);
        writer.Line($"#pragma warning restore {pragma}");
        writer.Line();
        writer.Line(string.Join(" ", attributes));
        writer.Line($"static {returnType} Declared() => {declared};");
    }

    /// <summary>The body of an entry point of a kernel with errors: it throws the first error's text.</summary>
    public static string StubBody(string failure) =>
        $"throw new global::System.InvalidOperationException({EmitNames.Literal(failure)});";

    /// <summary>The fully qualified file-local implementation class every entry point forwards to.</summary>
    public static string Implementation(KernelPlan plan) =>
        "global::" + ImplementationWriter.Namespace + "." + EmitNames.Identifier(ImplementationWriter.ClassName(plan.Identity));

    public static void Doc(IndentedWriter writer, string summary, KernelPlan plan)
    {
        writer.Line("/// <summary>");
        writer.Line($"/// {summary}");
        writer.Line("/// Throws <see cref=\"global::TensorDsl.ShapeException\"/> before touching memory when a length, size or metadata value is wrong.");
        writer.Line("/// </summary>");
        writer.Line($"/// <param name=\"output\">{plan.Output.Layout} {EmitNames.Xml(EmitNames.Shape(plan.Output.Shape))}.</param>");
        writer.Line($"/// <param name=\"lse\">Optional log-sum-exp, float {EmitNames.Xml(EmitNames.Shape(plan.LseShape))}; empty to skip.</param>");
    }

    public static void Method(IndentedWriter writer, string name, IEnumerable<string> parameters, string body)
    {
        using (writer.Block($"public static void {name}({string.Join(", ", parameters)})"))
        {
            writer.Line(body);
        }
    }

    /// <summary>Whether every entry point's parameters have distinct names (a refused kernel's may not).</summary>
    public static bool ParameterNamesAreDistinct(KernelPlan plan)
    {
        // The entry points name their parameters after the tensors and the run-time sizes the caller passes, beside the
        // generator's own (GeneratedNames): distinct exactly when those names are distinct and none is reserved.
        var names = plan.Inputs.Select(input => input.Name)
            .Concat(plan.RuntimeSizes.Where(s => s.Source == RuntimeSizeSource.Argument).Select(s => s.Name))
            .ToList();
        return names.Distinct(System.StringComparer.Ordinal).Count() == names.Count && !names.Any(GeneratedNames.IsReserved);
    }
}
