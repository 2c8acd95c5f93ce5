using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Solver;

/// <summary>
/// Checks that a kernel's shapes agree (docs/design.md) and works out what is left for run time. Decides with
/// constants and literals where it can; an equality between run-time sizes becomes a <see cref="DimCheck"/> that
/// the generated entry point verifies before touching memory.
/// </summary>
internal static class ShapeSolver
{
    /// <summary>The kernel's shape diagnostics and, for what only run time can decide, its checks.</summary>
    public static SolverResult Solve(KernelModel kernel)
    {
        var runtime = new List<DimCheck>();
        var found = Solve(kernel, runtime);
        return new SolverResult(found.ToEquatableArray(), runtime.ToEquatableArray());
    }

    private static List<DiagnosticInfo> Solve(KernelModel kernel, List<DimCheck> runtime)
    {
        var found = new List<DiagnosticInfo>();

        CheckNames(kernel, found);
        var q = kernel.Find(OperandRole.Query);
        var k = kernel.Find(OperandRole.Key);
        var v = kernel.Find(OperandRole.Value);
        if (q is null || k is null || v is null || RoleAxes.Of(q) is not { } qa || RoleAxes.Of(k) is not { } ka || RoleAxes.Of(v) is not { } va)
        {
            return found;
        }

        if (RoleOrder.Check(q, k, kernel.ScoresLocation) is { } swapped)
        {
            found.Add(swapped);
            return found; // every shape check after this would blame the wrong operand
        }

        CheckElementTypes(kernel, q, k, v, found);

        // Two declared sizes of one attention size: a provable difference is reported (the factory gets both sides
        // as printed); an equality only run time can decide becomes a check of the generated entry point.
        void Equal(OperandModel first, DimExpr expected, OperandModel second, DimExpr actual, Mismatch report)
        {
            switch (Compare(expected, actual))
            {
                case false:
                    found.Add(report(Show(expected), Show(actual)));
                    break;
                case null:
                    runtime.Add(new DimCheck(second.Name, actual.ToString(), expected, actual));
                    break;
            }
        }

        if (CheckLayouts(q, qa, k, ka, v, va, found))
        {
            return found;
        }

        var before = found.Count;
        Equal(q, qa.HeadSize, k, ka.HeadSize, (e, a) => Diagnose.ContractionMismatch(k.ShapeLocation, q.Name, e, k.Name, a));

        // One mistake, one diagnostic: when k's D is the odd one out (q and v agree), TDSL0007 already says so, and
        // "v does not match k" would blame v for k's mistake.
        var keyAloneWrong = found.Count > before && Compare(qa.HeadSize, va.HeadSize) == true;
        if (k.Layout == Layout.Pages && v.Layout == Layout.Pages)
        {
            CheckPagedPair(k, ka, v, va, found, Equal, keyAloneWrong);
        }
        else
        {
            Equal(k, ka.Heads, v, va.Heads, (e, a) => Diagnose.KvHeadMismatch(v.ShapeLocation, k.Name, e, v.Name, a));
            if (!keyAloneWrong)
            {
                Equal(k, ka.HeadSize, v, va.HeadSize, (e, a) => Diagnose.ValueMismatch(v.ShapeLocation, k.Name, "D", e, v.Name, a));
            }
        }

        if (qa.IsDense)
        {
            Equal(q, qa.Batch!, k, ka.Batch!, (e, a) => Diagnose.DimensionConflict(k.ShapeLocation, "B", q.Name, e, k.Name, a));
            Equal(q, qa.Batch!, v, va.Batch!, (e, a) => Diagnose.DimensionConflict(v.ShapeLocation, "B", q.Name, e, v.Name, a));
            Equal(k, ka.Sequence!, v, va.Sequence!, (e, a) => Diagnose.ValueMismatch(v.ShapeLocation, k.Name, "S", e, v.Name, a));
        }
        else
        {
            CheckTokenAxes(q, qa, k, ka, v, va, found);
        }

        var zeroKvHeads = CheckZeroHeads(q, qa, k, ka, found);
        if (!zeroKvHeads && qa.Heads.StaticValue is { } hq && ka.Heads.StaticValue is { } hkv && hq % hkv != 0)
        {
            found.Add(Diagnose.HeadRatio(k.ShapeLocation, q.Name, Show(qa.Heads), k.Name, Show(ka.Heads)));
        }

        CheckOutput(kernel.Output, q, qa, va, found);
        CheckSideInputs(kernel, q, qa, ka, found, Equal);
        return found;
    }

    /// <summary>
    /// Two element types (docs/semantics.md#element-types): the KV cache's, shared by k and v, and the query's, shared by
    /// the output. They may differ (an fp16 KV cache under fp32 queries); each pair may not (TDSL0030).
    /// </summary>
    private static void CheckElementTypes(KernelModel kernel, OperandModel q, OperandModel k, OperandModel v, List<DiagnosticInfo> found)
    {
        if (v.Element != k.Element)
        {
            found.Add(Diagnose.ElementTypeMismatch(v.ShapeLocation, v.Name, v.Element, k.Name, k.Element));
        }

        if (kernel.Output.Element != q.Element)
        {
            found.Add(Diagnose.ElementTypeMismatch(kernel.Output.ShapeLocation, kernel.Output.Name, kernel.Output.Element, q.Name, q.Element));
        }
    }

    /// <summary>
    /// The token axes of a varlen or paged kernel are sizes the metadata gives, not arguments
    /// (docs/design.md, "Sizes the metadata gives are not arguments"): the query's is the batch's query token count, a
    /// Tokens K/V's is Σ seq_lens, a cache's is its block count. Two of them under one run-time name would be one size
    /// bound to two values (TDSL0006); k and v read the same tokens, so theirs must be one name (TDSL0008). Either is
    /// caught here, at compile time, rather than by the first call.
    /// </summary>
    private static void CheckTokenAxes(OperandModel q, RoleAxes qa, OperandModel k, RoleAxes ka, OperandModel v, RoleAxes va, List<DiagnosticInfo> found)
    {
        if (ka.Tokens is { } kt && va.Tokens is { } vt && Compare(kt, vt) != true)
        {
            found.Add(Diagnose.ValueMismatch(v.ShapeLocation, k.Name, "T", Show(kt), v.Name, Show(vt)));
        }

        var keyAxis = ka.Tokens ?? ka.Blocks;
        if (qa.Tokens is NamedDim { ConstantValue: null } queryAxis && keyAxis is NamedDim { ConstantValue: null } shared
            && queryAxis.Name == shared.Name)
        {
            found.Add(Diagnose.DimensionConflict(k.ShapeLocation, queryAxis.Name,
                q.Name, "the batch's query token count", k.Name, ka.Tokens is not null ? "Σ seq_lens (the keys' tokens)" : "the cache's block count"));
        }
    }

    /// <summary>Reports a conflict given both sides as the message prints them.</summary>
    private delegate DiagnosticInfo Mismatch(string expected, string actual);

    private delegate void EqualCheck(OperandModel first, DimExpr expected, OperandModel second, DimExpr actual, Mismatch report);

    /// <summary>
    /// Which layouts go together: a dense query with dense K/V, a Tokens query with Tokens or Pages K/V, K and V in
    /// one layout family, and never a Pages query. True when the kernel cannot be checked any further.
    /// </summary>
    private static bool CheckLayouts(OperandModel q, RoleAxes qa, OperandModel k, RoleAxes ka, OperandModel v, RoleAxes va, List<DiagnosticInfo> found)
    {
        if (q.Layout == Layout.Pages)
        {
            found.Add(Diagnose.LayoutCombination(q.ShapeLocation,
                "A query is Bhsd, Bshd or Tokens (a Pages cache only holds keys and values)", q.Name, q.Layout));
            return true;
        }

        var rule = qa.IsDense
            ? $"A {q.Layout} query needs dense (Bhsd or Bshd) keys and values"
            : "A Tokens query needs Tokens or Pages keys and values";
        foreach (var (operand, axes) in new[] { (k, ka), (v, va) })
        {
            if (axes.IsDense != qa.IsDense)
            {
                found.Add(Diagnose.LayoutCombination(operand.ShapeLocation, rule, operand.Name, operand.Layout));
                return true;
            }
        }

        if (!qa.IsDense && k.Layout != v.Layout)
        {
            found.Add(Diagnose.LayoutCombination(v.ShapeLocation,
                $"The keys and values share one layout and '{k.Name}' is {k.Layout}", v.Name, v.Layout));
            return true;
        }

        return false;
    }

    /// <summary>
    /// A constant 0 for Hq, Hkv or D makes a kernel that can never do work (and Hkv = 0 or D = 0 with the default
    /// scale would divide by zero), so it is a declaration mistake. Returns whether Hkv is 0.
    /// </summary>
    private static bool CheckZeroHeads(OperandModel q, RoleAxes qa, OperandModel k, RoleAxes ka, List<DiagnosticInfo> found)
    {
        if (qa.Heads.StaticValue == 0)
        {
            found.Add(Diagnose.ZeroHeads(q.ShapeLocation, q.Name, "Hq", "a kernel needs at least one query head"));
        }

        if (qa.HeadSize.StaticValue == 0)
        {
            found.Add(Diagnose.ZeroHeads(q.ShapeLocation, q.Name, "D", "the head size must be at least 1 (q·kᵀ over D = 0 is an empty sum)"));
        }

        var zeroKv = ka.Heads.StaticValue == 0;
        if (zeroKv)
        {
            found.Add(Diagnose.ZeroHeads(k.ShapeLocation, k.Name, "Hkv", "a kernel needs at least one KV head (Hq is a multiple of Hkv)"));
        }

        return zeroKv;
    }

    /// <summary>
    /// Both caches are addressed through one block table, so every axis of their geometry must agree; that is
    /// one diagnostic (TDSL0027) whatever the axis. The block size itself must be a constant power of two.
    /// </summary>
    private static void CheckPagedPair(OperandModel k, RoleAxes ka, OperandModel v, RoleAxes va, List<DiagnosticInfo> found, EqualCheck equal, bool keyAloneWrong)
    {
        foreach (var (operand, axes) in new[] { (k, ka), (v, va) })
        {
            var blockSize = axes.BlockSize!;
            if (blockSize.StaticValue is not { } size)
            {
                found.Add(Diagnose.PagedBlockSize(operand.ShapeLocation, operand.Name, blockSize.ToString(),
                    "the block size must be a compile-time constant (a literal or a const)"));
            }
            else if (size <= 0 || (size & (size - 1)) != 0)
            {
                found.Add(Diagnose.PagedBlockSize(operand.ShapeLocation, operand.Name, Show(blockSize),
                    "the block size must be a power of two (1, 2, 4, … 16, 32, 64 …)"));
            }
        }

        Mismatch Disagree(string dimension) => (e, a) => Diagnose.PagedCachesDisagree(v.ShapeLocation, dimension, k.Name, e, v.Name, a);
        // The block count comes from the cache's length, once for both caches: two run-time names would be two sizes
        // the metadata never lets differ, so only the same name (or equal constants) is accepted.
        if (Compare(ka.Blocks!, va.Blocks!) != true)
        {
            found.Add(Disagree("N")(Show(ka.Blocks!), Show(va.Blocks!)));
        }
        if (ka.BlockSize!.StaticValue is not null && va.BlockSize!.StaticValue is not null)
        {
            equal(k, ka.BlockSize, v, va.BlockSize, Disagree("BlockSize"));
        }

        equal(k, ka.Heads, v, va.Heads, Disagree("Hkv"));
        if (!keyAloneWrong)
        {
            equal(k, ka.HeadSize, v, va.HeadSize, Disagree("D"));
        }
    }

    private static void CheckOutput(OperandModel output, OperandModel q, RoleAxes qa, RoleAxes va, List<DiagnosticInfo> found)
    {
        if (output.Layout == Layout.Pages || (output.Layout == Layout.Tokens) != (q.Layout == Layout.Tokens))
        {
            var expected = q.Layout == Layout.Tokens ? "Tokens<T>" : "Bhsd<T> or Bshd<T>";
            found.Add(Diagnose.LayoutCombination(output.ShapeLocation,
                $"The output of a {q.Layout} query ('{q.Name}') is {expected}", output.Name, output.Layout));
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
                found.Add(Diagnose.OutputShapeMismatch(output.ShapeLocation, dimension, Show(declared), Show(yielded)));
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
                var perHead = operand;
                equal(q, qa.Heads, perHead, perHead.Shape[0],
                    (e, a) => Diagnose.DimensionConflict(perHead.ShapeLocation, "Hq", q.Name, e, perHead.Name, a));
            }

            if (operand.Role != OperandRole.Bias)
            {
                continue;
            }

            if (!qa.IsDense)
            {
                found.Add(Diagnose.LayoutCombination(operand.ShapeLocation,
                    $"A bias tensor ('{operand.Name}') needs a dense (Bhsd or Bshd) query", q.Name, q.Layout));
                continue;
            }

            var full = new[] { qa.Batch!, qa.Heads, qa.Sequence!, ka.Sequence! };
            var names = new[] { "B", "Hq", "Sq", "Sk" };
            for (var axis = 0; axis < 4; axis++)
            {
                var dim = operand.Shape[axis];
                if (dim.StaticValue != 1 && Compare(dim, full[axis]) != true)
                {
                    found.Add(Diagnose.BiasNotBroadcastable(operand.ShapeLocation, operand.Name, names[axis], Show(dim), Show(full[axis])));
                }
            }
        }
    }

    /// <summary>
    /// The generated <c>Run</c> takes one parameter per tensor, per run-time size, and the reserved ones: those names
    /// must not collide.
    /// </summary>
    private static void CheckNames(KernelModel kernel, List<DiagnosticInfo> found)
    {
        foreach (var operand in kernel.Parameters)
        {
            if (GeneratedNames.IsReserved(operand.Name))
            {
                found.Add(Diagnose.ReservedName(operand.ShapeLocation, operand.Name));
            }
        }

        var tensors = new HashSet<string>(kernel.Parameters.Select(p => p.Name), System.StringComparer.Ordinal);
        foreach (var operand in kernel.Parameters.Concat(new[] { kernel.Output }))
        {
            foreach (var name in operand.Shape.SelectMany(d => d.RuntimeNames).Distinct())
            {
                if (tensors.Contains(name))
                {
                    found.Add(Diagnose.InvalidShape(operand.ShapeLocation, operand.Name,
                        $"the run-time size '{name}' has the name of the tensor parameter '{name}'; the generated methods take both, so rename one"));
                }
                else if (GeneratedNames.IsReserved(name))
                {
                    found.Add(Diagnose.InvalidShape(operand.ShapeLocation, operand.Name,
                        $"the run-time size '{name}' has a name the generated methods use for their own parameter; rename it"));
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
