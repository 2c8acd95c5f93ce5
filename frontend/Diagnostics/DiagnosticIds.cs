namespace TensorDsl.FrontEnd.Diagnostics;

/// <summary>
/// The IDs as constants, so the code fixes (which do not compile the rest of the front end) and the tests name a
/// diagnostic by meaning. Stable once shipped: never renumber or reuse, only add.
/// </summary>
internal static class DiagnosticIds
{
    public const string KernelNotPartial = "TDSL0001";
    public const string KernelMethodNotStatic = "TDSL0002";
    public const string UnsupportedConstruct = "TDSL0003";
    public const string InvalidShape = "TDSL0004";
    public const string RankMismatch = "TDSL0005";
    public const string DimensionConflict = "TDSL0006";
    public const string ContractionMismatch = "TDSL0007";
    public const string ValueMismatch = "TDSL0008";
    public const string OutputShapeMismatch = "TDSL0009";
    public const string SoftmaxAxis = "TDSL0010";
    public const string BiasNotBroadcastable = "TDSL0011";
    public const string HeadRatio = "TDSL0012";
    public const string KvHeadMismatch = "TDSL0013";
    public const string PagedBlockSize = "TDSL0014";
    public const string TargetCannotLower = "TDSL0015";
    public const string LambdaConstruct = "TDSL0016";
    public const string OperandType = "TDSL0017";
    public const string KernelMethodCount = "TDSL0018";
    public const string KernelTypeForm = "TDSL0019";
    public const string BodyNotSingleExpression = "TDSL0020";
    public const string UnusedParameter = "TDSL0021";
    public const string ParameterInTwoRoles = "TDSL0022";
    public const string LayoutCombination = "TDSL0023";
    public const string ReservedName = "TDSL0024";
    public const string QueryKeyOrder = "TDSL0025";
    public const string ArgumentNotConstant = "TDSL0026";
    public const string PagedCachesDisagree = "TDSL0027";
    public const string InvalidTargets = "TDSL0028";
    public const string ZeroHeads = "TDSL0029";
    public const string ElementTypeMismatch = "TDSL0030";
    public const string SpyreHeadSize = "TDSL0031";
    public const string SpyreElementType = "TDSL0032";
    public const string SpyreStickAlignment = "TDSL0033";
    public const string SpyreUnsupportedFeature = "TDSL0034";
    public const string SpyreVariantBudget = "TDSL0035";
    public const string GeneratorFailure = "TDSL9999";
}
