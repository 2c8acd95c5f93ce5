using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Solver;

/// <summary>
/// Checks that a kernel's shapes agree (docs/semantics.md#layouts, docs/diagnostics) and works out what is left for run time. Decides with
/// constants and literals where it can; an equality between run-time sizes becomes a <see cref="DimCheck"/> that
/// the generated entry point verifies before touching memory.
/// </summary>
internal static class ShapeSolver
{
    public static IEnumerable<DiagnosticInfo> Check(KernelModel kernel) => Solve(kernel, out _, out _);

    /// <summary>The dense sizes and the run-time checks of a kernel that <see cref="Check"/> accepted.</summary>
    public static (DenseDims? Dims, IReadOnlyList<DimCheck> Checks) Plan(KernelModel kernel)
    {
        _ = Solve(kernel, out var dims, out var checks).ToList();
        return (dims, checks);
    }

    private static IEnumerable<DiagnosticInfo> Solve(KernelModel kernel, out DenseDims? dims, out List<DimCheck> checks)
    {
        var found = new List<DiagnosticInfo>();
        var runtime = new List<DimCheck>();
        checks = runtime;
        dims = null;

        CheckNames(kernel, found);
        var q = kernel.Find(OperandRole.Query);
        var k = kernel.Find(OperandRole.Key);
        var v = kernel.Find(OperandRole.Value);
        if (q is null || k is null || v is null || RoleAxes.Of(q) is not { } qa || RoleAxes.Of(k) is not { } ka || RoleAxes.Of(v) is not { } va)
        {
            return found;
        }

        void Equal(DiagnosticSpec spec, string dimension, OperandModel first, DimExpr expected, OperandModel second, DimExpr actual)
        {
            switch (Compare(expected, actual))
            {
                case false:
                    found.Add(spec == DiagnosticCatalog.DimensionConflict
                        ? DiagnosticInfo.Create(spec, second.ShapeLocation, dimension, first.Name, Show(expected), second.Name, Show(actual))
                        : spec == DiagnosticCatalog.ContractionMismatch || spec == DiagnosticCatalog.KvHeadMismatch
                            ? DiagnosticInfo.Create(spec, second.ShapeLocation, first.Name, Show(expected), second.Name, Show(actual))
                            : DiagnosticInfo.Create(spec, second.ShapeLocation, first.Name, dimension, Show(expected), second.Name, Show(actual)));
                    break;
                case null:
                    runtime.Add(new DimCheck(second.Name, actual.ToString(), expected, actual));
                    break;
            }
        }

        if (qa.IsDense != ka.IsDense || qa.IsDense != va.IsDense || (qa.IsDense is false && q.Layout == OperandLayout.Pages))
        {
            var odd = q.Layout == OperandLayout.Pages ? q : qa.IsDense != ka.IsDense ? k : v;
            found.Add(DiagnosticInfo.Create(
                DiagnosticCatalog.UnsupportedConstruct, odd.ShapeLocation, odd.Name,
                "a dense query (Bhsd/Bshd) needs dense keys and values; a Tokens query needs Tokens or Pages keys and values"));
            return found;
        }

        Equal(DiagnosticCatalog.ContractionMismatch, "D", q, qa.HeadSize, k, ka.HeadSize);
        Equal(DiagnosticCatalog.KvHeadMismatch, "Hkv", k, ka.Heads, v, va.Heads);
        Equal(DiagnosticCatalog.ValueMismatch, "D", k, ka.HeadSize, v, va.HeadSize);
        if (qa.IsDense)
        {
            Equal(DiagnosticCatalog.DimensionConflict, "B", q, qa.Batch!, k, ka.Batch!);
            Equal(DiagnosticCatalog.DimensionConflict, "B", q, qa.Batch!, v, va.Batch!);
            Equal(DiagnosticCatalog.ValueMismatch, "S", k, ka.Sequence!, v, va.Sequence!);
        }
        else
        {
            CheckPagedPair(k, ka, v, va, found, Equal);
        }

        if (qa.Heads.StaticValue is { } hq && ka.Heads.StaticValue is { } hkv && (hkv == 0 || hq % hkv != 0))
        {
            found.Add(DiagnosticInfo.Create(DiagnosticCatalog.HeadRatio, k.ShapeLocation, q.Name, Show(qa.Heads), k.Name, Show(ka.Heads)));
        }

        CheckOutput(kernel.Output, q, qa, va, found);
        CheckSideInputs(kernel, q, qa, ka, found, Equal);
        CheckTargets(kernel, qa, found);

        if (qa.IsDense)
        {
            dims = new DenseDims(qa.Batch!, qa.Heads, ka.Heads, qa.Sequence!, ka.Sequence!, qa.HeadSize);
        }

        return found;
    }

    private delegate void EqualCheck(DiagnosticSpec spec, string dimension, OperandModel first, DimExpr expected, OperandModel second, DimExpr actual);

    private static void CheckPagedPair(OperandModel k, RoleAxes ka, OperandModel v, RoleAxes va, List<DiagnosticInfo> found, EqualCheck equal)
    {
        foreach (var (operand, axes) in new[] { (k, ka), (v, va) })
        {
            if (axes.BlockSize is { } blockSize)
            {
                if (blockSize.StaticValue is not { } size)
                {
                    found.Add(DiagnosticInfo.Create(DiagnosticCatalog.PagedBlockSize, operand.ShapeLocation, operand.Name, blockSize.ToString(),
                        "the block size must be a compile-time constant (a literal or a const)"));
                }
                else if (size <= 0 || (size & (size - 1)) != 0)
                {
                    found.Add(DiagnosticInfo.Create(DiagnosticCatalog.PagedBlockSize, operand.ShapeLocation, operand.Name, Show(blockSize),
                        "the block size must be a power of two"));
                }
            }
        }

        if (ka.BlockSize is { } kb && va.BlockSize is { } vb && Compare(kb, vb) is false)
        {
            found.Add(DiagnosticInfo.Create(DiagnosticCatalog.PagedBlockSize, v.ShapeLocation, v.Name, Show(vb),
                $"the cache declares BlockSize = {Show(kb)} for '{k.Name}'"));
        }

        if (ka.Blocks is { } kn && va.Blocks is { } vn)
        {
            equal(DiagnosticCatalog.DimensionConflict, "N", k, kn, v, vn);
        }

        if (ka.Tokens is { } kt && va.Tokens is { } vt)
        {
            equal(DiagnosticCatalog.ValueMismatch, "T", k, kt, v, vt);
        }

        if ((ka.Tokens is null) != (va.Tokens is null))
        {
            found.Add(DiagnosticInfo.Create(DiagnosticCatalog.UnsupportedConstruct, v.ShapeLocation, v.Name,
                $"keys and values must share a layout, and '{k.Name}' is {k.Layout}"));
        }
    }

    private static void CheckOutput(OperandModel output, OperandModel q, RoleAxes qa, RoleAxes va, List<DiagnosticInfo> found)
    {
        if (output.Layout == OperandLayout.Pages || (output.Layout == OperandLayout.Tokens) != (q.Layout == OperandLayout.Tokens))
        {
            found.Add(DiagnosticInfo.Create(DiagnosticCatalog.UnsupportedConstruct, output.ShapeLocation, output.Name,
                $"the output of a {q.Layout} query is {(q.Layout == OperandLayout.Tokens ? "Tokens<T>" : "Bhsd<T> or Bshd<T>")}"));
            return;
        }

        if (RoleAxes.Of(output) is not { } oa)
        {
            return; // no [return: Shape]: the output takes the shape the expression yields
        }

        void Expect(string dimension, DimExpr? declared, DimExpr? yielded)
        {
            if (declared is not null && yielded is not null && Compare(declared, yielded) != true)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticCatalog.OutputShapeMismatch, output.ShapeLocation, dimension, Show(declared), Show(yielded)));
            }
        }

        Expect("B", oa.Batch, qa.Batch);
        Expect("S", oa.Sequence, qa.Sequence);
        Expect("T", oa.Tokens, qa.Tokens);
        Expect("H", oa.Heads, qa.Heads);
        Expect("D", oa.HeadSize, va.HeadSize);
    }

    private static void CheckSideInputs(KernelModel kernel, OperandModel q, RoleAxes qa, RoleAxes ka, List<DiagnosticInfo> found, EqualCheck equal)
    {
        foreach (var operand in kernel.Parameters)
        {
            if (operand.Role is OperandRole.Sinks or OperandRole.AlibiSlopes && operand.Shape.Count == 1)
            {
                equal(DiagnosticCatalog.DimensionConflict, "Hq", q, qa.Heads, operand, operand.Shape[0]);
            }

            if (operand.Role != OperandRole.Bias)
            {
                continue;
            }

            if (!qa.IsDense)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticCatalog.UnsupportedConstruct, operand.ShapeLocation, operand.Name,
                    "a bias tensor needs dense [B, H, S, D] query and keys"));
                continue;
            }

            var full = new[] { qa.Batch!, qa.Heads, qa.Sequence!, ka.Sequence! };
            var names = new[] { "B", "Hq", "Sq", "Sk" };
            for (var axis = 0; axis < 4; axis++)
            {
                var dim = operand.Shape[axis];
                if (dim.StaticValue != 1 && Compare(dim, full[axis]) != true)
                {
                    found.Add(DiagnosticInfo.Create(DiagnosticCatalog.BiasNotBroadcastable, operand.ShapeLocation, operand.Name,
                        names[axis], Show(dim), Show(full[axis])));
                }
            }
        }
    }

    private static void CheckTargets(KernelModel kernel, RoleAxes qa, List<DiagnosticInfo> found)
    {
        if ((kernel.Targets & KernelModel.CpuTarget) != 0 && !qa.IsDense)
        {
            found.Add(DiagnosticInfo.Create(DiagnosticCatalog.TargetCannotLower, kernel.Location, "CPU", kernel.TypeName,
                "this version generates CPU kernels for dense Bhsd/Bshd layouts; varlen and paged kernels are checked but not yet generated"));
        }

        if ((kernel.Targets & KernelModel.SpyreTarget) != 0)
        {
            found.Add(DiagnosticInfo.Create(DiagnosticCatalog.TargetCannotLower, kernel.Location, "Spyre", kernel.TypeName,
                "this version does not generate Spyre programs yet"));
        }
    }

    /// <summary>
    /// The generated <c>Run(…, output, &lt;sizes&gt;, lse)</c> takes one parameter per tensor, per run-time size, and
    /// <c>output</c>/<c>lse</c>: those names must not collide.
    /// </summary>
    private static void CheckNames(KernelModel kernel, List<DiagnosticInfo> found)
    {
        var reserved = new HashSet<string>(System.StringComparer.Ordinal) { "output", "lse" };
        foreach (var operand in kernel.Parameters)
        {
            if (reserved.Contains(operand.Name))
            {
                found.Add(DiagnosticInfo.Create(DiagnosticCatalog.UnsupportedConstruct, operand.ShapeLocation, operand.Name,
                    "'output' and 'lse' name the generated methods' own parameters; rename this one"));
            }
        }

        var tensors = new HashSet<string>(kernel.Parameters.Select(p => p.Name), System.StringComparer.Ordinal) { "output", "lse" };
        foreach (var operand in kernel.Parameters.Concat(new[] { kernel.Output }))
        {
            foreach (var name in operand.Shape.SelectMany(d => d.RuntimeNames).Distinct())
            {
                if (tensors.Contains(name))
                {
                    found.Add(DiagnosticInfo.Create(DiagnosticCatalog.InvalidShape, operand.ShapeLocation, operand.Name,
                        $"the size '{name}' has the name of a tensor parameter; the generated methods take both, so rename one"));
                }
            }
        }
    }

    /// <summary>true: equal; false: provably different; null: only run time can tell.</summary>
    public static bool? Compare(DimExpr a, DimExpr b)
    {
        if (a.Equals(b))
        {
            return true;
        }

        if (a.StaticValue is { } x && b.StaticValue is { } y)
        {
            return x == y;
        }

        return null;
    }

    private static string Show(DimExpr dim) => dim.StaticValue is { } value
        ? value.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : dim.ToString();
}
