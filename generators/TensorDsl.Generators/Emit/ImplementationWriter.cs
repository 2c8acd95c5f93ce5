using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Lowering;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// The file-local implementation class: <c>Validate</c> (the plan's guards), <c>Reference</c> (the eager oracle), and
/// each lowered target's members. The public entry points only forward to it.
/// </summary>
internal static class ImplementationWriter
{
    /// <summary>The namespace of every generated implementation class (each file-local, so kernels never collide).</summary>
    public const string Namespace = "TensorDsl.Generated";

    public static string ClassName(KernelIdentity identity) => identity.TypeName + "__TensorDsl";

    public static void Write(IndentedWriter writer, ImplementationNames names, IReadOnlyList<ITargetEmitter> targets)
    {
        var identity = names.Plan.Identity;
        // Hidden from stack traces: a ShapeException thrown by Validate shows the user's Gqa.Run, not the compiler's
        // mangled name of a file-local class (<Gqa_1ef2…>F…__Gqa__TensorDsl.Validate).
        writer.Line("[global::System.Diagnostics.StackTraceHidden]");
        using (writer.Block($"file static class {ClassName(identity)}"))
        {
            WriteValidate(writer, names, stacked: false);
            if (names.Plan.Batch == BatchKind.Paged && targets.Any(t => t.TakesStackedCache))
            {
                writer.Line();
                WriteValidate(writer, names, stacked: true);
            }

            writer.Line();
            WriteReference(writer, names);
            foreach (var target in targets)
            {
                target.WriteImplementation(writer, names);
            }
        }
    }

    private static void WriteValidate(IndentedWriter writer, ImplementationNames names, bool stacked)
    {
        var parameters = EntrySignature.Of(names.Plan, stacked).ImplementationParameters(validate: true);
        using (writer.Block($"private static void {(stacked ? "ValidateStacked" : "Validate")}({string.Join(", ", parameters)})"))
        {
            GuardWriter.Write(writer, names, stacked);
        }
    }

    /// <summary>
    /// What every implementation method over the kernel's tensors starts with: the sizes the batch or a cache length
    /// gives, bound and checked (<see cref="GuardWriter.WriteSizeBindings"/>), then the <c>Validate</c> call.
    /// </summary>
    public static void WritePrologue(IndentedWriter writer, ImplementationNames names, bool stacked)
    {
        GuardWriter.WriteSizeBindings(writer, names, stacked);
        WriteValidateCall(writer, names, stacked);
    }

    private static void WriteValidateCall(IndentedWriter writer, ImplementationNames names, bool stacked)
    {
        writer.Line($"{(stacked ? "ValidateStacked" : "Validate")}({EntrySignature.Of(names.Plan, stacked).ValidateArguments()});");
    }

    private static void WriteReference(IndentedWriter writer, ImplementationNames names)
    {
        var plan = names.Plan;
        var s = names.Sizes;
        var parameters = new[] { $"global::TensorDsl.AttentionTensor<{EmitNames.Element(plan.Output.Element)}> declared" }
            .Concat(EntrySignature.Of(plan).ImplementationParameters());
        using (writer.Block($"public static void Reference({string.Join(", ", parameters)})"))
        {
            WritePrologue(writer, names, stacked: false);
            GuardWriter.WriteReferenceAliasing(writer, names);
            writer.Line(plan.Batch == BatchKind.Dense
                ? "var bindings = new global::TensorDsl.ReferenceBindings()"
                : "var bindings = new global::TensorDsl.ReferenceBindings { Batch = batch }");
            using (writer.Indent())
            {
                foreach (var input in plan.Inputs)
                {
                    writer.Line($".Add({EmitNames.Literal(input.Name)}, {names.Tensor(input)}, {string.Join(", ", input.Shape.Select(s.Of))})");
                }

                writer.Line(";");
            }

            writer.Line($"global::TensorDsl.ReferenceEngine.Run(declared, bindings, new int[] {{ {string.Join(", ", plan.Output.Shape.Select(s.Of))} }}, output, lse, heads);");
        }
    }
}
