using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Plan;

/// <summary>How the batch's sequences are described: dense sizes, or vLLM varlen / paged metadata.</summary>
internal enum BatchKind
{
    /// <summary><c>B</c> sequences of <c>Sq</c> queries over <c>Sk</c> keys.</summary>
    Dense,
    /// <summary>Flat <c>[T, H, D]</c> queries and keys, split by <c>query_start_loc</c> / <c>seq_lens</c>.</summary>
    Varlen,
    /// <summary>Flat queries over a paged KV cache (<c>block_table</c>).</summary>
    Paged,
}

/// <summary>
/// The addressing rule of a q/k/v/output operand, beside its <see cref="OperandPlan.Layout"/>: its heads and head size,
/// its dense length or its block size (strides in elements; nothing is ever copied). A paged cache is also reachable
/// stacked with its partner (<c>[N, 2, BlockSize, H, D]</c> or <c>[2, N, …]</c>).
/// </summary>
internal sealed record Addressing(DimExpr Heads, DimExpr HeadDim, DimExpr? Length, DimExpr? BlockSize);

/// <summary>
/// One tensor of the kernel, with its shape spelled out. q, k, v and the output have an addressing rule; bias and
/// per-head operands are read through side-input slots (<see cref="SideInputPlan"/>) and have none.
/// </summary>
internal sealed record OperandPlan(
    string Name,
    OperandRole Role,
    Layout Layout,
    ElementKind Element,
    EquatableArray<DimExpr> Shape,
    Addressing? Addressing)
{
    /// <summary>The addressing rule of a q/k/v/output operand.</summary>
    public Addressing Rows => Addressing ?? throw new System.InvalidOperationException($"'{Name}' ({Role}) has no addressing rule.");
}

/// <summary>The attention's sizes by meaning. Dense kernels have B/Sq/Sk; token kernels T (and Tk or N/BlockSize).</summary>
internal sealed record SizePlan(
    DimExpr Hq,
    DimExpr Hkv,
    DimExpr D,
    DimExpr Dv,
    DimExpr? B,
    DimExpr? Sq,
    DimExpr? Sk,
    DimExpr? T,
    DimExpr? Tk,
    DimExpr? N,
    DimExpr? BlockSize);

/// <summary>Where a size known only at run time comes from.</summary>
internal enum RuntimeSizeSource
{
    /// <summary>An <c>int</c> argument of the entry point.</summary>
    Argument,
    /// <summary>The batch's query token count (<c>query_start_loc[B]</c>).</summary>
    QueryTokens,
    /// <summary>The batch's KV token count (<c>Σ seq_lens</c>).</summary>
    KvTokens,
    /// <summary>The paged cache's block count, from its length.</summary>
    CacheBlocks,
}

/// <summary>A named run-time size and where it is read from, in the order the entry point binds them.</summary>
internal sealed record RuntimeSize(string Name, RuntimeSizeSource Source);

/// <summary>
/// A check the entry point makes before touching memory. Each names the parameter and dimension for the exception;
/// the sizes are dimension expressions, printed by each target.
/// </summary>
internal abstract record Guard;

/// <summary>An <c>int</c> size argument must be ≥ 0.</summary>
internal sealed record NonNegativeGuard(string Size) : Guard;

/// <summary>A product of run-time sizes must fit an <c>int</c>.</summary>
internal sealed record ProductGuard(string Parameter, ProductDim Product) : Guard;

/// <summary>A size must be &gt; 0 (the KV head count; the head size under the default <c>1/sqrt(D)</c>).</summary>
internal sealed record PositiveGuard(string Parameter, string Dimension, DimExpr Size) : Guard;

/// <summary>Two declared sizes that only run time can compare.</summary>
internal sealed record EqualGuard(string Parameter, string Dimension, DimExpr Expected, DimExpr Actual) : Guard;

/// <summary><c>Hq % Hkv == 0</c> when either is a run-time size.</summary>
internal sealed record MultipleGuard(string Parameter, string Dimension, DimExpr Divisor, DimExpr Size) : Guard;

/// <summary>A span holds exactly its shape's element count (an optional span may also be empty).</summary>
internal sealed record SpanLengthGuard(string Parameter, EquatableArray<DimExpr> Shape, bool Optional) : Guard;

/// <summary>An output span must not overlap an input span (an aliased output would corrupt the inputs mid-kernel).</summary>
internal sealed record DisjointGuard(string Output, string Input) : Guard;

/// <summary>A declared size that the batch metadata also gives (a constant token count, say) must agree with it.</summary>
internal sealed record BatchSizeGuard(string Parameter, string Dimension, DimExpr Declared, RuntimeSizeSource Source) : Guard;

/// <summary>
/// The visible-key rule: causal, one sliding window and one chunk fold into a contiguous key range per query row
/// (masked keys are never computed); anything else stays a residual predicate, intersected.
/// </summary>
internal sealed record MaskPlan(bool Causal, bool HasWindow, int Left, int Right, int Chunk, EquatableArray<ScalarExpr> Predicates)
{
    public static readonly MaskPlan None = new(false, false, 0, 0, 0, EquatableArray<ScalarExpr>.Empty);
}

/// <summary>A bias or per-head operand that the score steps read through a side-input slot.</summary>
internal sealed record SideInputPlan(int Slot, SideInputKind Kind, string Operand, ElementKind Element, EquatableArray<DimExpr> Shape);

/// <summary>The name, place and declaration text of a kernel: what the entry-point and containing-type writers need.</summary>
internal sealed record KernelIdentity(
    string? Namespace,
    EquatableArray<TypeDeclarationModel> TypeChain,
    string MethodName,
    string ExpressionText,
    string FilePath,
    MethodMarks? Marks = null)
{
    public string TypeName => TypeChain[TypeChain.Count - 1].Name;
}

/// <summary>
/// Everything every target needs to lower one kernel, decided once from its <see cref="KernelModel"/>: resolved
/// sizes, run-time sizes and guards, the scale, masks as key ranges plus predicates, score steps as scalar trees,
/// and each operand's addressing. Equatable, Roslyn-free, and free of any target's syntax; what one target needs
/// beyond it is that target's <see cref="TargetPlans"/> entry.
/// </summary>
internal sealed record KernelPlan(
    KernelIdentity Identity,
    Targets Targets,
    BatchKind Batch,
    EquatableArray<OperandPlan> Inputs,
    OperandPlan Output,
    SizePlan Sizes,
    EquatableArray<RuntimeSize> RuntimeSizes,
    EquatableArray<Guard> Guards,
    EquatableArray<ScalarExpr> ScoreSteps,
    MaskPlan Masks,
    EquatableArray<SideInputPlan> SideInputs,
    string? Sinks,
    EquatableArray<DimExpr> LseShape,
    EquatableArray<TargetPlan> TargetPlans = default)
{
    /// <summary>The extension of the target that reads <typeparamref name="T"/>, or null when it was not requested.</summary>
    public T? For<T>()
        where T : TargetPlan
    {
        foreach (var extension in TargetPlans)
        {
            if (extension is T found)
            {
                return found;
            }
        }

        return null;
    }

    public OperandPlan Query => Find(OperandRole.Query);

    public OperandPlan Key => Find(OperandRole.Key);

    public OperandPlan Value => Find(OperandRole.Value);

    public OperandPlan Find(OperandRole role)
    {
        foreach (var input in Inputs)
        {
            if (input.Role == role)
            {
                return input;
            }
        }

        throw new System.InvalidOperationException("The plan has no " + role + " operand.");
    }
}
