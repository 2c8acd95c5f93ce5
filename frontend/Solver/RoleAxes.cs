using System.Linq;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Solver;

/// <summary>
/// The dimensions of a q/k/v/output operand by meaning rather than position. Dense layouts have a batch and a
/// sequence axis; flat varlen has tokens; a paged cache has blocks and a block size.
/// </summary>
internal sealed record RoleAxes(DimExpr? Batch, DimExpr? Sequence, DimExpr Heads, DimExpr HeadSize, DimExpr? Tokens, DimExpr? Blocks, DimExpr? BlockSize)
{
    public static RoleAxes? Of(OperandModel operand)
    {
        var s = operand.Shape;
        if (s.Count == 0)
        {
            return null;
        }

        var layout = operand.Layout;
        if (LayoutAxes.Heads(layout) < 0 || s.Count != LayoutAxes.Rank(layout))
        {
            return null; // bias and per-head operands have no role axes
        }

        DimExpr? At(int axis) => axis < 0 ? null : s[axis];
        return new RoleAxes(
            At(LayoutAxes.Batch(layout)), At(LayoutAxes.Sequence(layout)), s[LayoutAxes.Heads(layout)], s[LayoutAxes.HeadSize(layout)],
            At(LayoutAxes.Tokens(layout)), At(LayoutAxes.Blocks(layout)), At(LayoutAxes.BlockSize(layout)));
    }

    public bool IsDense => Batch is not null;
}

/// <summary>An equality between two declared dimensions that only run-time sizes can decide.</summary>
internal sealed record DimCheck(string Parameter, string Dimension, DimExpr Expected, DimExpr Actual);

/// <summary>What the solver found: diagnostics, and the equalities left for the entry points to check at run time.</summary>
internal sealed record SolverResult(EquatableArray<DiagnosticInfo> Diagnostics, EquatableArray<DimCheck> Checks)
{
    public bool HasErrors => Diagnostics.Any(d => DiagnosticCatalog.IsError(d.Id));
}

/// <summary>A kernel the shape checks accepted, with its run-time checks: the plan step's input.</summary>
internal sealed record CheckedKernel(KernelModel Model, EquatableArray<DimCheck> Checks);
