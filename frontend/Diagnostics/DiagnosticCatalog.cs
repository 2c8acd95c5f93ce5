using System.Collections.Immutable;
using System.Linq;

namespace TensorDsl.FrontEnd.Diagnostics;

internal enum DiagnosticLevel
{
    Warning,
    Error,
}

/// <summary>One entry of the catalogue. IDs are stable once shipped: never renumber, only add.</summary>
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
    /// <summary>The assembly metadata key that carries <see cref="HelpLinkBase"/> (docs/packaging.md).</summary>
    public const string HelpLinkBaseMetadataKey = "TensorDsl.HelpLinkBase";

    /// <summary>Used only when the assembly carries no help-link metadata (a build outside this repository).</summary>
    public const string DefaultHelpLinkBase = "https://github.com/tensordsl/tensordsl/blob/main/docs/diagnostics/";

    /// <summary>
    /// Help pages live in the repository under docs/diagnostics/; every ID's link is this base + <c>TDSLnnnn.md</c>.
    /// The build stamps the base into the generator and analyzer assemblies as assembly metadata from the MSBuild
    /// property <c>TensorDslHelpLinkBase</c> (Directory.Build.props), so a fork or a mirror repoints every link at
    /// pack time without a code change.
    /// </summary>
    public static readonly string HelpLinkBase = ReadHelpLinkBase();

    private static string ReadHelpLinkBase()
    {
        foreach (var attribute in typeof(DiagnosticCatalog).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), inherit: false))
        {
            if (attribute is System.Reflection.AssemblyMetadataAttribute { Key: HelpLinkBaseMetadataKey, Value: { Length: > 0 } value })
            {
                return value.EndsWith("/", System.StringComparison.Ordinal) ? value : value + "/";
            }
        }

        return DefaultHelpLinkBase;
    }

    private const string Usage = "TensorDsl.Usage";
    private const string Shape = "TensorDsl.Shape";
    private const string Heads = "TensorDsl.Heads";
    private const string Padding = "TensorDsl.Padding";
    private const string Target = "TensorDsl.Target";

    public static readonly DiagnosticSpec KernelNotPartial = new(
        DiagnosticIds.KernelNotPartial, Usage, DiagnosticLevel.Error,
        "Attention kernel type must be partial",
        "The type '{0}' must be declared 'partial': {1}");

    public static readonly DiagnosticSpec KernelMethodNotStatic = new(
        DiagnosticIds.KernelMethodNotStatic, Usage, DiagnosticLevel.Error,
        "Attention expression method must be static",
        "The attention expression method '{0}' must be 'static': the generated kernel has no instance to call it on");

    public static readonly DiagnosticSpec UnsupportedConstruct = new(
        DiagnosticIds.UnsupportedConstruct, Usage, DiagnosticLevel.Error,
        "Unsupported construct in an attention expression",
        "'{0}' is not part of the attention grammar: {1}");

    public static readonly DiagnosticSpec InvalidShape = new(
        DiagnosticIds.InvalidShape, Shape, DiagnosticLevel.Error,
        "Invalid shape",
        "The shape of '{0}' is invalid: {1}");

    public static readonly DiagnosticSpec RankMismatch = new(
        DiagnosticIds.RankMismatch, Shape, DiagnosticLevel.Error,
        "Shape rank does not match the layout",
        "'{0}' is a {1} tensor of rank {2} ({3}) but its shape \"{4}\" has {5} dimension(s)");

    public static readonly DiagnosticSpec DimensionConflict = new(
        DiagnosticIds.DimensionConflict, Shape, DiagnosticLevel.Error,
        "A dimension is bound to two sizes",
        "Dimension {0} is bound to two sizes: '{1}' has {0} = {2} but '{3}' has {0} = {4}");

    public static readonly DiagnosticSpec ContractionMismatch = new(
        DiagnosticIds.ContractionMismatch, Shape, DiagnosticLevel.Error,
        "q·kᵀ contracts different head sizes",
        "q·kᵀ contracts different head sizes: '{0}' has D = {1} but '{2}' has D = {3}");

    public static readonly DiagnosticSpec ValueMismatch = new(
        DiagnosticIds.ValueMismatch, Shape, DiagnosticLevel.Error,
        "V does not match K",
        "The values do not match the keys: '{0}' has {1} = {2} but '{3}' has {1} = {4}");

    public static readonly DiagnosticSpec OutputShapeMismatch = new(
        DiagnosticIds.OutputShapeMismatch, Shape, DiagnosticLevel.Error,
        "Output shape is not what the expression yields",
        "The declared output has {0} = {1} but the expression yields {0} = {2}");

    public static readonly DiagnosticSpec SoftmaxAxis = new(
        DiagnosticIds.SoftmaxAxis, Shape, DiagnosticLevel.Error,
        "Softmax is not over the KV axis",
        "Softmax runs over axis {0}, but attention normalises over the KV axis (-1 or 3)");

    public static readonly DiagnosticSpec BiasNotBroadcastable = new(
        DiagnosticIds.BiasNotBroadcastable, Shape, DiagnosticLevel.Error,
        "Bias shape is not broadcastable to the scores",
        "'{0}' is not broadcastable to the scores [B, Hq, Sq, Sk]: its dimension {1} is {2} but must be 1 or {3}");

    public static readonly DiagnosticSpec HeadRatio = new(
        DiagnosticIds.HeadRatio, Heads, DiagnosticLevel.Error,
        "Query heads are not a multiple of KV heads",
        "Hq must be a multiple of Hkv: the query '{0}' has Hq = {1} but the keys '{2}' have Hkv = {3}");

    public static readonly DiagnosticSpec KvHeadMismatch = new(
        DiagnosticIds.KvHeadMismatch, Heads, DiagnosticLevel.Error,
        "K and V have different head counts",
        "K and V must have the same number of heads: '{0}' has Hkv = {1} but '{2}' has Hkv = {3}");

    public static readonly DiagnosticSpec PagedBlockSize = new(
        DiagnosticIds.PagedBlockSize, Padding, DiagnosticLevel.Error,
        "Paged block size is invalid",
        "The paged cache '{0}' has BlockSize = {1}: {2}");

    public static readonly DiagnosticSpec SpyreHeadSize = new(
        DiagnosticIds.SpyreHeadSize, Padding, DiagnosticLevel.Warning,
        "Spyre target: head size is not a multiple of 64",
        "The Spyre target cannot lower kernel '{0}': head size D = {1} is not a multiple of 64 (a 128-byte stick of fp16); use D = {2} or drop Targets.Spyre");

    public static readonly DiagnosticSpec SpyreElementType = new(
        DiagnosticIds.SpyreElementType, Padding, DiagnosticLevel.Warning,
        "Spyre target: element type is not fp16",
        "The Spyre target cannot lower kernel '{0}': '{1}' has element type {2}, and Spyre computes in fp16 only (System.Half)");

    public static readonly DiagnosticSpec SpyreStickAlignment = new(
        DiagnosticIds.SpyreStickAlignment, Padding, DiagnosticLevel.Warning,
        "Spyre target: bucket not stick-aligned",
        "The Spyre target cannot lower kernel '{0}': {1} = {2} {3}");

    public static readonly DiagnosticSpec SpyreUnsupportedFeature = new(
        DiagnosticIds.SpyreUnsupportedFeature, Target, DiagnosticLevel.Warning,
        "Spyre target: the program cannot express a feature of this kernel",
        "The Spyre target cannot lower kernel '{0}': its program (scale, q @ kᵀ, + mask, softmax, @ v) cannot express {1}");

    public static readonly DiagnosticSpec SpyreVariantBudget = new(
        DiagnosticIds.SpyreVariantBudget, Target, DiagnosticLevel.Warning,
        "Spyre target: the bucket plan exceeds the variant budget",
        "Kernel '{0}' compiles {1} static Spyre shapes for max_num_seqs {2} and max_model_len {3} (KV bucket {4}, query padding {5}), more than the budget of {6}");

    public static readonly DiagnosticSpec TargetCannotLower = new(
        DiagnosticIds.TargetCannotLower, Target, DiagnosticLevel.Warning,
        "The target cannot lower this kernel",
        "The {0} target cannot lower kernel '{1}': {2}");

    public static readonly DiagnosticSpec LambdaConstruct = new(
        DiagnosticIds.LambdaConstruct, Usage, DiagnosticLevel.Error,
        "Unsupported construct in a mask or score lambda",
        "'{0}' cannot be inlined into the kernel: {1}");

    public static readonly DiagnosticSpec OperandType = new(
        DiagnosticIds.OperandType, Usage, DiagnosticLevel.Error,
        "Unsupported operand type",
        "'{0}' has type '{1}': {2}");

    public static readonly DiagnosticSpec KernelMethodCount = new(
        DiagnosticIds.KernelMethodCount, Usage, DiagnosticLevel.Error,
        "Attention kernel must declare exactly one expression method",
        "The attention kernel '{0}' declares {1} expression methods; it must declare exactly one static method that returns a DSL tensor");

    public static readonly DiagnosticSpec KernelTypeForm = new(
        DiagnosticIds.KernelTypeForm, Usage, DiagnosticLevel.Error,
        "Attention kernel type has an unsupported form",
        "The attention kernel type '{0}' is {1}; a kernel type is a partial class (not a record), generic neither itself nor through a type around it, that leaves the names of the generated members (Run, Reference, WriteCache, SpyreSpec, …) to the generator");

    public static readonly DiagnosticSpec BodyNotSingleExpression = new(
        DiagnosticIds.BodyNotSingleExpression, Usage, DiagnosticLevel.Error,
        "Expression method body is not a single expression",
        "The body of '{0}' is {1}, but it must be one attention expression: '=> expression' or a block whose only statement is 'return expression;'");

    public static readonly DiagnosticSpec UnusedParameter = new(
        DiagnosticIds.UnusedParameter, Usage, DiagnosticLevel.Error,
        "Kernel parameter is not used",
        "The parameter '{0}' is not used by the attention expression; every parameter is the query, keys, values, a bias, ALiBi slopes or sinks");

    public static readonly DiagnosticSpec ParameterInTwoRoles = new(
        DiagnosticIds.ParameterInTwoRoles, Usage, DiagnosticLevel.Error,
        "A parameter plays two roles",
        "'{0}' is used as the {1} and again as the {2}; each parameter plays one role, so declare a separate parameter for each");

    public static readonly DiagnosticSpec LayoutCombination = new(
        DiagnosticIds.LayoutCombination, Shape, DiagnosticLevel.Error,
        "Operand layouts do not go together",
        "{0}, but '{1}' is {2}");

    public static readonly DiagnosticSpec ReservedName = new(
        DiagnosticIds.ReservedName, Usage, DiagnosticLevel.Error,
        "Parameter name is reserved by the generated code",
        "The parameter '{0}' is named like a parameter of the generated Run and Reference (output, lse, batch, heads, kvCache and layout are reserved); rename it");

    public static readonly DiagnosticSpec QueryKeyOrder = new(
        DiagnosticIds.QueryKeyOrder, Usage, DiagnosticLevel.Error,
        "Query and keys are swapped",
        "'{0}' is used as the query and '{1}' as the keys, but {2}; the query is the receiver of MatMul, so the expected order is {1}.MatMul({0}.T)");

    public static readonly DiagnosticSpec ArgumentNotConstant = new(
        DiagnosticIds.ArgumentNotConstant, Usage, DiagnosticLevel.Error,
        "Argument must be a compile-time constant in range",
        "The {0} must be {1}, but '{2}' {3}");

    public static readonly DiagnosticSpec PagedCachesDisagree = new(
        DiagnosticIds.PagedCachesDisagree, Padding, DiagnosticLevel.Error,
        "Paged K and V caches disagree",
        "The paged caches disagree on {0}: '{1}' has {0} = {2} but '{3}' has {0} = {4}; K and V are read through one block table, so they share N, BlockSize, Hkv and D");

    public static readonly DiagnosticSpec InvalidTargets = new(
        DiagnosticIds.InvalidTargets, Target, DiagnosticLevel.Error,
        "Kernel targets are invalid",
        "The kernel targets '{0}' (= {1}) {2}; use Targets.Cpu, Targets.Spyre or Targets.Cpu | Targets.Spyre");

    public static readonly DiagnosticSpec ZeroHeads = new(
        DiagnosticIds.ZeroHeads, Heads, DiagnosticLevel.Error,
        "Zero heads or zero head size",
        "'{0}' has {1} = 0, but {2}");

    public static readonly DiagnosticSpec ElementTypeMismatch = new(
        DiagnosticIds.ElementTypeMismatch, Usage, DiagnosticLevel.Error,
        "Operands have different element types",
        "'{0}' has element type {1} but '{2}' has {3}; k and v share one element type (the KV cache's), and the output has q's");

    public static readonly DiagnosticSpec GeneratorFailure = new(
        DiagnosticIds.GeneratorFailure, Usage, DiagnosticLevel.Error,
        "The TensorDsl generator failed",
        "The TensorDsl generator failed on '{0}' ({1}); please report this with the declaration");

    /// <summary>"TDSLnnnn: message", as the build prints it (without the location), e.g. for a stub that throws it.</summary>
    public static string Text(DiagnosticInfo info)
    {
        foreach (var spec in All)
        {
            if (spec.Id == info.Id)
            {
                return info.Id + ": " + string.Format(System.Globalization.CultureInfo.InvariantCulture, spec.MessageFormat, info.Arguments.Items.Cast<object>().ToArray());
            }
        }

        return info.Id;
    }

    public static bool IsError(string id)
    {
        foreach (var spec in All)
        {
            if (spec.Id == id)
            {
                return spec.Level == DiagnosticLevel.Error;
            }
        }

        return false;
    }

    public static readonly ImmutableArray<DiagnosticSpec> All = ImmutableArray.Create(
        KernelNotPartial, KernelMethodNotStatic, UnsupportedConstruct, InvalidShape, RankMismatch, DimensionConflict,
        ContractionMismatch, ValueMismatch, OutputShapeMismatch, SoftmaxAxis, BiasNotBroadcastable, HeadRatio,
        KvHeadMismatch, PagedBlockSize, TargetCannotLower, LambdaConstruct, OperandType, KernelMethodCount,
        KernelTypeForm, BodyNotSingleExpression, UnusedParameter, ParameterInTwoRoles, LayoutCombination, ReservedName,
        QueryKeyOrder, ArgumentNotConstant, PagedCachesDisagree, InvalidTargets, ZeroHeads, ElementTypeMismatch,
        SpyreHeadSize, SpyreElementType, SpyreStickAlignment, SpyreUnsupportedFeature, SpyreVariantBudget, GeneratorFailure);
}
