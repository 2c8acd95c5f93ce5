using System.Globalization;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Diagnostics;

/// <summary>
/// One factory per diagnostic, with named, typed parameters in the order the message prints them, so a call site
/// cannot swap two sides of a mismatch or pass the wrong number of arguments. Texts stay in
/// <see cref="DiagnosticCatalog"/>.
/// </summary>
internal static class Diagnose
{
    /// <summary>TDSL0001 on <paramref name="type"/>: the kernel itself, or a type around <paramref name="kernel"/>.</summary>
    public static DiagnosticInfo KernelNotPartial(SourceSpan at, string type, string? kernel = null) =>
        Make(DiagnosticCatalog.KernelNotPartial, at, type, NotPartialReason(kernel));

    /// <summary>Why TDSL0001's type must be partial: it is the kernel, or it holds one (the generated part reopens it).</summary>
    private static string NotPartialReason(string? kernel) => kernel is null
        ? "it is an attention kernel, and the generator adds Run and Reference to it"
        : $"it contains the attention kernel '{kernel}', and the generated code reopens every type around a kernel";

    public static DiagnosticInfo KernelMethodNotStatic(SourceSpan at, string method) =>
        Make(DiagnosticCatalog.KernelMethodNotStatic, at, method);

    /// <param name="construct">The source text (shortened by the caller).</param>
    /// <param name="expected">What the grammar expects there instead.</param>
    public static DiagnosticInfo UnsupportedConstruct(SourceSpan at, string construct, string expected) =>
        Make(DiagnosticCatalog.UnsupportedConstruct, at, construct, expected);

    public static DiagnosticInfo InvalidShape(SourceSpan at, string operand, string reason) =>
        Make(DiagnosticCatalog.InvalidShape, at, operand, reason);

    public static DiagnosticInfo RankMismatch(SourceSpan at, string operand, Layout layout, int rank, string axes, string shape, int dimensions) =>
        Make(DiagnosticCatalog.RankMismatch, at, operand, layout.ToString(), Show(rank), axes, shape, Show(dimensions));

    public static DiagnosticInfo DimensionConflict(SourceSpan at, string dimension, string first, string expected, string second, string actual) =>
        Make(DiagnosticCatalog.DimensionConflict, at, dimension, first, expected, second, actual);

    public static DiagnosticInfo ContractionMismatch(SourceSpan at, string query, string queryHeadSize, string keys, string keysHeadSize) =>
        Make(DiagnosticCatalog.ContractionMismatch, at, query, queryHeadSize, keys, keysHeadSize);

    public static DiagnosticInfo ValueMismatch(SourceSpan at, string keys, string dimension, string expected, string values, string actual) =>
        Make(DiagnosticCatalog.ValueMismatch, at, keys, dimension, expected, values, actual);

    public static DiagnosticInfo OutputShapeMismatch(SourceSpan at, string dimension, string declared, string yielded) =>
        Make(DiagnosticCatalog.OutputShapeMismatch, at, dimension, declared, yielded);

    public static DiagnosticInfo SoftmaxAxis(SourceSpan at, int axis) =>
        Make(DiagnosticCatalog.SoftmaxAxis, at, Show(axis));

    public static DiagnosticInfo BiasNotBroadcastable(SourceSpan at, string bias, string dimension, string size, string scoresSize) =>
        Make(DiagnosticCatalog.BiasNotBroadcastable, at, bias, dimension, size, scoresSize);

    public static DiagnosticInfo HeadRatio(SourceSpan at, string query, string queryHeads, string keys, string kvHeads) =>
        Make(DiagnosticCatalog.HeadRatio, at, query, queryHeads, keys, kvHeads);

    public static DiagnosticInfo KvHeadMismatch(SourceSpan at, string keys, string keyHeads, string values, string valueHeads) =>
        Make(DiagnosticCatalog.KvHeadMismatch, at, keys, keyHeads, values, valueHeads);

    public static DiagnosticInfo PagedBlockSize(SourceSpan at, string cache, string blockSize, string reason) =>
        Make(DiagnosticCatalog.PagedBlockSize, at, cache, blockSize, reason);

    public static DiagnosticInfo TargetCannotLower(SourceSpan at, string target, string kernel, string reason) =>
        Make(DiagnosticCatalog.TargetCannotLower, at, target, kernel, reason);

    public static DiagnosticInfo SpyreHeadSize(SourceSpan at, string kernel, long d) =>
        Make(DiagnosticCatalog.SpyreHeadSize, at, kernel, Show(d), Show((d + 63) / 64 * 64));

    public static DiagnosticInfo SpyreElementType(SourceSpan at, string kernel, string operand, ElementKind element) =>
        Make(DiagnosticCatalog.SpyreElementType, at, kernel, operand, ElementName(element));

    /// <param name="setting">The attribute property (SpyreKvBucket, SpyreQueryPadding).</param>
    /// <param name="requirement">What it must be, as a sentence fragment.</param>
    public static DiagnosticInfo SpyreStickAlignment(SourceSpan at, string kernel, string setting, long value, string requirement) =>
        Make(DiagnosticCatalog.SpyreStickAlignment, at, kernel, setting, Show(value), requirement);

    public static DiagnosticInfo SpyreUnsupportedFeature(SourceSpan at, string kernel, string feature) =>
        Make(DiagnosticCatalog.SpyreUnsupportedFeature, at, kernel, feature);

    public static DiagnosticInfo SpyreVariantBudget(SourceSpan at, string kernel, long count, int maxNumSeqs, int maxModelLen, int kvBucket, int queryPadding, int budget) =>
        Make(DiagnosticCatalog.SpyreVariantBudget, at, kernel, count == long.MaxValue ? "more than " + Show(long.MaxValue) : Show(count), Show(maxNumSeqs), Show(maxModelLen), Show(kvBucket), Show(queryPadding), Show(budget));

    public static DiagnosticInfo LambdaConstruct(SourceSpan at, string construct, string reason) =>
        Make(DiagnosticCatalog.LambdaConstruct, at, construct, reason);

    /// <param name="type">The parameter's type as C# displays it.</param>
    /// <param name="expected">Which types are accepted there.</param>
    public static DiagnosticInfo OperandType(SourceSpan at, string operand, string type, string expected) =>
        Make(DiagnosticCatalog.OperandType, at, operand, type, expected);

    public static DiagnosticInfo KernelMethodCount(SourceSpan at, string type, int count) =>
        Make(DiagnosticCatalog.KernelMethodCount, at, type, Show(count));

    /// <param name="form">What the type is, e.g. "a record" or "generic (&lt;TTag&gt;)".</param>
    public static DiagnosticInfo KernelTypeForm(SourceSpan at, string type, string form) =>
        Make(DiagnosticCatalog.KernelTypeForm, at, type, form);

    /// <param name="body">What the body is instead, e.g. "a block of 2 statements".</param>
    public static DiagnosticInfo BodyNotSingleExpression(SourceSpan at, string method, string body) =>
        Make(DiagnosticCatalog.BodyNotSingleExpression, at, method, body);

    public static DiagnosticInfo UnusedParameter(SourceSpan at, string parameter) =>
        Make(DiagnosticCatalog.UnusedParameter, at, parameter);

    public static DiagnosticInfo ParameterInTwoRoles(SourceSpan at, string parameter, OperandRole first, OperandRole second) =>
        Make(DiagnosticCatalog.ParameterInTwoRoles, at, parameter, RoleName(first), RoleName(second));

    /// <param name="rule">The layout rule, e.g. "A Tokens query needs Tokens or Pages keys and values".</param>
    public static DiagnosticInfo LayoutCombination(SourceSpan at, string rule, string operand, Layout layout) =>
        Make(DiagnosticCatalog.LayoutCombination, at, rule, operand, layout.ToString());

    public static DiagnosticInfo ReservedName(SourceSpan at, string parameter) =>
        Make(DiagnosticCatalog.ReservedName, at, parameter);

    /// <param name="evidence">Why the order is evidently swapped.</param>
    public static DiagnosticInfo QueryKeyOrder(SourceSpan at, string query, string keys, string evidence) =>
        Make(DiagnosticCatalog.QueryKeyOrder, at, query, keys, evidence);

    /// <param name="argument">What the argument is ("scale", "window size" …).</param>
    /// <param name="requirement">E.g. "a compile-time constant ≥ 0".</param>
    /// <param name="construct">The source text of the argument.</param>
    /// <param name="actual">What it is instead, e.g. "is not a compile-time constant" or "is -1".</param>
    public static DiagnosticInfo ArgumentNotConstant(SourceSpan at, string argument, string requirement, string construct, string actual) =>
        Make(DiagnosticCatalog.ArgumentNotConstant, at, argument, requirement, construct, actual);

    public static DiagnosticInfo PagedCachesDisagree(SourceSpan at, string dimension, string keys, string keySize, string values, string valueSize) =>
        Make(DiagnosticCatalog.PagedCachesDisagree, at, dimension, keys, keySize, values, valueSize);

    /// <param name="written">The attribute argument as written.</param>
    /// <param name="problem">E.g. "select no target".</param>
    public static DiagnosticInfo InvalidTargets(SourceSpan at, string written, int value, string problem) =>
        Make(DiagnosticCatalog.InvalidTargets, at, written, Show(value), problem);

    /// <param name="dimension">Hq, Hkv or D.</param>
    /// <param name="requirement">Why it must be positive.</param>
    public static DiagnosticInfo ZeroHeads(SourceSpan at, string operand, string dimension, string requirement) =>
        Make(DiagnosticCatalog.ZeroHeads, at, operand, dimension, requirement);

    public static DiagnosticInfo ElementTypeMismatch(SourceSpan at, string operand, ElementKind element, string other, ElementKind otherElement) =>
        Make(DiagnosticCatalog.ElementTypeMismatch, at, operand, ElementName(element), other, ElementName(otherElement));

    public static DiagnosticInfo GeneratorFailure(SourceSpan at, string type, string failure) =>
        Make(DiagnosticCatalog.GeneratorFailure, at, type, failure);

    /// <summary>The element type as the declaration spells it.</summary>
    public static string ElementName(ElementKind element) => element == ElementKind.Float ? "float" : element.ToString();

    /// <summary>A role as the messages name it.</summary>
    public static string RoleName(OperandRole role) => role switch
    {
        OperandRole.Query => "query",
        OperandRole.Key => "keys",
        OperandRole.Value => "values",
        OperandRole.Bias => "bias",
        OperandRole.AlibiSlopes => "ALiBi slopes",
        OperandRole.Sinks => "sinks",
        _ => role.ToString().ToLowerInvariant(),
    };

    private static string Show(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Show(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static DiagnosticInfo Make(DiagnosticSpec spec, SourceSpan at, params string[] arguments) =>
        new(spec.Id, at, arguments.ToEquatableArray());
}
