using System.Collections.Immutable;

namespace TensorDsl.FrontEnd.Diagnostics;

internal enum DiagnosticLevel
{
    Warning,
    Error,
}

/// <summary>One entry of the catalogue (docs/diagnostics/README.md). IDs are stable once shipped: never renumber, only add.</summary>
internal sealed record DiagnosticSpec(string Id, string Category, DiagnosticLevel Level, string Title, string MessageFormat)
{
    public string HelpLink => DiagnosticCatalog.HelpLinkBase + Id + ".md";
}

/// <summary>
/// The diagnostics catalogue, Roslyn-free so the same text serves the analyzers, the generator and the docs.
/// Messages print both sides of every mismatch.
/// </summary>
internal static class DiagnosticCatalog
{
    /// <summary>Help pages live in the repository under docs/diagnostics/.</summary>
    public const string HelpLinkBase = "https://github.com/tensordsl/tensordsl/blob/main/docs/diagnostics/";

    private const string Usage = "TensorDsl.Usage";
    private const string Shape = "TensorDsl.Shape";
    private const string Heads = "TensorDsl.Heads";
    private const string Padding = "TensorDsl.Padding";
    private const string Target = "TensorDsl.Target";

    public static readonly DiagnosticSpec KernelNotPartial = new(
        "TDSL0001", Usage, DiagnosticLevel.Error,
        "Attention kernel type must be partial",
        "The attention kernel '{0}' must be declared 'partial' so the generator can add Run and Reference to it");

    public static readonly DiagnosticSpec KernelMethodNotStatic = new(
        "TDSL0002", Usage, DiagnosticLevel.Error,
        "Attention expression method must be static",
        "The attention expression method '{0}' must be 'static': the generated kernel has no instance to call it on");

    public static readonly DiagnosticSpec UnsupportedConstruct = new(
        "TDSL0003", Usage, DiagnosticLevel.Error,
        "Unsupported construct in an attention expression",
        "'{0}' is not part of the attention grammar: {1}");

    public static readonly DiagnosticSpec InvalidShape = new(
        "TDSL0004", Shape, DiagnosticLevel.Error,
        "Invalid shape",
        "The shape of '{0}' is invalid: {1}");

    public static readonly DiagnosticSpec RankMismatch = new(
        "TDSL0005", Shape, DiagnosticLevel.Error,
        "Shape rank does not match the layout",
        "'{0}' is a {1} tensor of rank {2} ({3}) but its shape \"{4}\" has {5} dimension(s)");

    public static readonly DiagnosticSpec DimensionConflict = new(
        "TDSL0006", Shape, DiagnosticLevel.Error,
        "A dimension is bound to two sizes",
        "Dimension {0} is bound to two sizes: '{1}' has {0} = {2} but '{3}' has {0} = {4}");

    public static readonly DiagnosticSpec ContractionMismatch = new(
        "TDSL0007", Shape, DiagnosticLevel.Error,
        "q·kᵀ contracts different head sizes",
        "q·kᵀ contracts different head sizes: '{0}' has D = {1} but '{2}' has D = {3}");

    public static readonly DiagnosticSpec ValueMismatch = new(
        "TDSL0008", Shape, DiagnosticLevel.Error,
        "V does not match K",
        "The values do not match the keys: '{0}' has {1} = {2} but '{3}' has {1} = {4}");

    public static readonly DiagnosticSpec OutputShapeMismatch = new(
        "TDSL0009", Shape, DiagnosticLevel.Error,
        "Output shape is not what the expression yields",
        "The declared output has {0} = {1} but the expression yields {0} = {2}");

    public static readonly DiagnosticSpec SoftmaxAxis = new(
        "TDSL0010", Shape, DiagnosticLevel.Error,
        "Softmax is not over the KV axis",
        "Softmax runs over axis {0}, but attention normalises over the KV axis (-1 or 3)");

    public static readonly DiagnosticSpec BiasNotBroadcastable = new(
        "TDSL0011", Shape, DiagnosticLevel.Error,
        "Bias shape is not broadcastable to the scores",
        "'{0}' is not broadcastable to the scores [B, Hq, Sq, Sk]: its dimension {1} is {2} but must be 1 or {3}");

    public static readonly DiagnosticSpec HeadRatio = new(
        "TDSL0012", Heads, DiagnosticLevel.Error,
        "Query heads are not a multiple of KV heads",
        "Hq must be a multiple of Hkv: '{0}' has Hq = {1} but '{2}' has Hkv = {3}");

    public static readonly DiagnosticSpec KvHeadMismatch = new(
        "TDSL0013", Heads, DiagnosticLevel.Error,
        "K and V have different head counts",
        "K and V must have the same number of heads: '{0}' has Hkv = {1} but '{2}' has Hkv = {3}");

    public static readonly DiagnosticSpec PagedBlockSize = new(
        "TDSL0014", Padding, DiagnosticLevel.Error,
        "Paged block size is invalid",
        "The paged cache '{0}' has BlockSize = {1}: {2}");

    public static readonly DiagnosticSpec TargetCannotLower = new(
        "TDSL0015", Target, DiagnosticLevel.Warning,
        "The target cannot lower this kernel",
        "The {0} target cannot lower kernel '{1}': {2}");

    public static readonly DiagnosticSpec LambdaConstruct = new(
        "TDSL0016", Usage, DiagnosticLevel.Error,
        "Unsupported construct in a mask or score lambda",
        "'{0}' cannot be inlined into the kernel: {1}");

    public static readonly DiagnosticSpec OperandType = new(
        "TDSL0017", Usage, DiagnosticLevel.Error,
        "Unsupported operand type",
        "'{0}' has type '{1}': {2}");

    public static readonly DiagnosticSpec KernelMethodCount = new(
        "TDSL0018", Usage, DiagnosticLevel.Error,
        "Attention kernel must declare exactly one expression method",
        "The attention kernel '{0}' declares {1} expression methods; it must declare exactly one static method that returns a DSL tensor");

    public static readonly DiagnosticSpec GeneratorFailure = new(
        "TDSL9999", Usage, DiagnosticLevel.Error,
        "The TensorDsl generator failed",
        "The TensorDsl generator failed on '{0}' ({1}); please report this with the declaration");

    public static readonly ImmutableArray<DiagnosticSpec> All = ImmutableArray.Create(
        KernelNotPartial, KernelMethodNotStatic, UnsupportedConstruct, InvalidShape, RankMismatch, DimensionConflict,
        ContractionMismatch, ValueMismatch, OutputShapeMismatch, SoftmaxAxis, BiasNotBroadcastable, HeadRatio,
        KvHeadMismatch, PagedBlockSize, TargetCannotLower, LambdaConstruct, OperandType, KernelMethodCount,
        GeneratorFailure);
}
