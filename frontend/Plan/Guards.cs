using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Solver;

namespace TensorDsl.FrontEnd.Plan;

/// <summary>
/// The run-time checks of a kernel's entry points, in the order they must run: sizes before the element counts
/// computed from them, metadata before the cache it indexes, and aliasing last.
/// </summary>
internal static class Guards
{
    public static IEnumerable<Guard> For(
        KernelModel kernel, EquatableArray<DimCheck> checks, List<OperandPlan> inputs, OperandPlan output, SizePlan sizes, List<RuntimeSize> runtime, BatchKind batch, DimExpr[] lse)
    {
        var q = inputs.First(p => p.Role == OperandRole.Query);
        var k = inputs.First(p => p.Role == OperandRole.Key);
        foreach (var size in runtime.Where(s => s.Source == RuntimeSizeSource.Argument))
        {
            yield return new NonNegativeGuard(size.Name);
        }

        if (batch != BatchKind.Dense)
        {
            foreach (var guard in BatchSizes(q, RuntimeSizeSource.QueryTokens, runtime))
            {
                yield return guard;
            }

            if (batch == BatchKind.Varlen)
            {
                foreach (var guard in BatchSizes(k, RuntimeSizeSource.KvTokens, runtime))
                {
                    yield return guard;
                }
            }
        }

        // Products of run-time sizes first: everything after computes them in int arithmetic.
        var seen = new HashSet<ProductDim>();
        foreach (var operand in inputs.Concat(new[] { output }))
        {
            foreach (var dim in operand.Shape)
            {
                if (dim is ProductDim product && product.StaticValue is null && seen.Add(product))
                {
                    yield return new ProductGuard(ParameterName(operand), product);
                }
            }
        }

        if (sizes.Hkv.StaticValue is null)
        {
            yield return new PositiveGuard(k.Name, "Hkv" + Named(sizes.Hkv, "Hkv"), sizes.Hkv);
        }

        if (sizes.D.StaticValue is not > 0 && !kernel.Steps.Any(step => step is ScaleStepModel))
        {
            // The default scale is 1/sqrt(D): a head size of 0 would make every score 0·∞ = NaN.
            yield return new PositiveGuard(q.Name, "D" + Named(sizes.D, "D"), sizes.D);
        }

        foreach (var check in checks)
        {
            yield return new EqualGuard(check.Parameter, check.Dimension, check.Expected, check.Actual);
        }

        if (sizes.Hq.StaticValue is null || sizes.Hkv.StaticValue is null)
        {
            yield return new MultipleGuard(q.Name, "Hq" + Named(sizes.Hq, "Hq"), sizes.Hkv, sizes.Hq);
        }

        foreach (var operand in inputs.Concat(new[] { output }))
        {
            yield return new SpanLengthGuard(ParameterName(operand), operand.Shape, Optional: false);
        }

        // Paged metadata (block ids in [0, N), sequences within their rows) is checked where the cache is indexed:
        // by the CPU driver and by the reference engine, each once per call.
        yield return new SpanLengthGuard("lse", lse.ToEquatableArray(), Optional: true);

        foreach (var input in inputs)
        {
            yield return new DisjointGuard("output", input.Name);
            yield return new DisjointGuard("lse", input.Name);
        }

        yield return new DisjointGuard("lse", "output");
    }

    /// <summary>
    /// A token axis the metadata also gives: nothing to check when the size is bound from that very source, else the
    /// declared size (a constant, or a name bound elsewhere) is compared with the metadata.
    /// </summary>
    private static IEnumerable<Guard> BatchSizes(OperandPlan operand, RuntimeSizeSource source, List<RuntimeSize> runtime)
    {
        var declared = operand.Shape[0];
        if (declared is not NamedDim { ConstantValue: null } named || !runtime.Contains(new RuntimeSize(named.Name, source)))
        {
            yield return new BatchSizeGuard(operand.Name, "T", declared, source);
        }
    }

    private static string ParameterName(OperandPlan operand) => operand.Role == OperandRole.Output ? "output" : operand.Name;

    /// <summary>" (G*Hkv)" when the declaration names a role's size differently from the role, else nothing.</summary>
    private static string Named(DimExpr dim, string role) => dim.ToString() == role ? string.Empty : $" ({dim})";
}
