using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Solver;

namespace TensorDsl.Generators.Emit;

/// <summary>What the emitters derive from a dense kernel model: resolved sizes, shapes and argument lists.</summary>
internal sealed class DensePlan
{
    public DensePlan(KernelModel kernel, DenseDims dims, IReadOnlyList<DimCheck> checks)
    {
        Kernel = kernel;
        Dims = dims;
        Checks = checks;
        Output = kernel.Output.Shape.Count > 0
            ? kernel.Output
            : kernel.Output with
            {
                Shape = (kernel.Output.Layout == OperandLayout.Bshd
                    ? new[] { dims.B, dims.Sq, dims.Hq, dims.D }
                    : new[] { dims.B, dims.Hq, dims.Sq, dims.D }).ToEquatableArray(),
            };
    }

    public KernelModel Kernel { get; }

    public DenseDims Dims { get; }

    public IReadOnlyList<DimCheck> Checks { get; }

    /// <summary>The output with its shape spelled out (the declaration may leave it to the expression).</summary>
    public OperandModel Output { get; }

    public string ClassName => "__" + Kernel.TypeName + "Kernel";

    /// <summary>The span arguments the file-local implementation takes, in order.</summary>
    public IEnumerable<string> SpanArguments => Kernel.Parameters.Select(p => p.Name).Concat(new[] { "output", "lse" });

    /// <summary>An operand's shape; a per-head operand declared without one is <c>[Hq]</c>.</summary>
    public IReadOnlyList<DimExpr> ShapeOf(OperandModel operand) =>
        operand.Shape.Count > 0 ? operand.Shape.Items : new[] { Dims.Hq };
}
