namespace TensorDsl.FrontEnd.Model;

/// <summary>What an operand is to the attention expression; decided by where the expression uses it.</summary>
internal enum OperandRole
{
    Unused,
    Query,
    Key,
    Value,
    Bias,
    Sinks,
    AlibiSlopes,
    Output,
}

/// <summary>
/// Where a piece of the declaration sits in source, without Roslyn types. The line positions (zero-based) let a
/// diagnostic be placed even where no syntax tree is at hand (the generator's own TDSL9999).
/// </summary>
internal sealed record SourceSpan(string FilePath, int Start, int Length, int StartLine = 0, int StartColumn = 0, int EndLine = 0, int EndColumn = 0)
{
    public static readonly SourceSpan None = new(string.Empty, 0, 0);
}

/// <summary>A tensor parameter (or the result) of the declaration.</summary>
internal sealed record OperandModel(
    string Name,
    OperandRole Role,
    Layout Layout,
    ElementKind Element,
    EquatableArray<DimExpr> Shape,
    SourceSpan ShapeLocation);

internal abstract record ScoreStepModel;

internal sealed record ScaleStepModel(float Scale) : ScoreStepModel;

internal sealed record SoftcapStepModel(float Cap) : ScoreStepModel;

internal sealed record BiasStepModel(string Operand) : ScoreStepModel;

internal sealed record AlibiStepModel(string Operand) : ScoreStepModel;

/// <summary>A score modifier lambda, lowered to a scalar tree over its parameters, constants and System.Math(F).</summary>
internal sealed record ModifierStepModel(LoweredLambda Lambda) : ScoreStepModel;

internal abstract record MaskModel;

internal sealed record CausalMaskModel : MaskModel;

internal sealed record WindowMaskModel(int Left, int Right) : MaskModel;

internal sealed record ChunkedMaskModel(int Size) : MaskModel;

internal sealed record PredicateMaskModel(LoweredLambda Lambda) : MaskModel;

/// <summary>A user lambda ready to be inlined: its body as a scalar tree over the kernel's index variables.</summary>
internal sealed record LoweredLambda(ScalarExpr Body);

/// <summary>
/// Attributes on the expression method whose consequences land on every caller (CS0612/CS0618/CS0619 for
/// <c>[Obsolete]</c>, the author's ID for <c>[Experimental]</c>, IL2026/IL3050/IL3002 for the <c>Requires…</c> trimming and
/// AOT attributes). The generated <c>Reference</c> calls the method to build its expression, so it must take them on
/// without passing them on (docs/design.md, "Generated code and the user's attributes").
/// </summary>
internal sealed record MethodMarks(
    bool Obsolete, EquatableArray<string> ExperimentalIds, string? RequiresUnreferencedCode, string? RequiresDynamicCode, string? RequiresAssemblyFiles)
{
    public bool Any => Obsolete || ExperimentalIds.Count > 0 || RequiresUnreferencedCode is not null || RequiresDynamicCode is not null
        || RequiresAssemblyFiles is not null;
}

/// <summary>A containing type, outermost first, so the emitter can reopen it as a partial declaration.</summary>
internal sealed record TypeDeclarationModel(string Keyword, string Name);

/// <summary>
/// Everything the emitters need to know about one kernel, as an equatable value: no symbols, no syntax.
/// Two compilations that declare the same kernel produce equal models, which is what keeps emission cached.
/// <see cref="Element"/> is the query's and the output's element type, <see cref="KvElement"/> the keys' and the
/// values' (the KV cache's); the two may differ (docs/semantics.md#element-types). The model is what the declaration
/// says, read without judging it: every rule (role order, element-type pairs, shapes) is the checker's
/// (<see cref="Solver.ShapeSolver"/>). <see cref="ScoresLocation"/> is where <c>q.MatMul(k.T)</c> is written.
/// <see cref="Settings"/> are the attribute's named arguments, read by the targets they belong to.
/// </summary>
internal sealed record KernelModel(
    string? Namespace,
    EquatableArray<TypeDeclarationModel> TypeChain,
    string MethodName,
    string ExpressionText,
    Targets Targets,
    ElementKind Element,
    ElementKind KvElement,
    EquatableArray<OperandModel> Parameters,
    OperandModel Output,
    EquatableArray<ScoreStepModel> Steps,
    EquatableArray<MaskModel> Masks,
    string? Sinks,
    SourceSpan Location,
    EquatableArray<AttributeSetting> Settings = default,
    SourceSpan? ScoresLocation = null,
    MethodMarks? Marks = null)
{
    public string TypeName => TypeChain[TypeChain.Count - 1].Name;

    public OperandModel? Find(OperandRole role)
    {
        foreach (var parameter in Parameters)
        {
            if (parameter.Role == role)
            {
                return parameter;
            }
        }

        return null;
    }
}
