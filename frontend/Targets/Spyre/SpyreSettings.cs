using System.Linq;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Spyre;

/// <summary>
/// The Spyre settings of <c>[AttentionKernel(SpyreKvBucket = …, …)]</c>, read from the model's attribute settings, and
/// where each was written (for TDSL0033 and TDSL0035; the kernel's name when absent). Zero limits mean "not declared";
/// the bucket defaults are <see cref="SpyreFacts"/>'s, the same the attribute's properties start from.
/// </summary>
internal sealed record SpyreSettings(
    int KvBucket, int QueryPadding, int MaxNumSeqs, int MaxModelLen, int VariantBudget,
    SourceSpan KvBucketAt, SourceSpan QueryPaddingAt, SourceSpan BudgetAt)
{
    public static SpyreSettings Of(KernelModel model)
    {
        AttributeSetting? Find(string name) => model.Settings.FirstOrDefault(s => s.Name == name);
        int Value(string name, int fallback) => Find(name)?.Value ?? fallback;
        SourceSpan At(string name) => Find(name)?.At ?? model.Location;

        return new SpyreSettings(
            Value("SpyreKvBucket", SpyreFacts.DefaultKvBucket), Value("SpyreQueryPadding", SpyreFacts.DefaultQueryPadding),
            Value("SpyreMaxNumSeqs", 0), Value("SpyreMaxModelLen", 0), Value("SpyreVariantBudget", 0),
            At("SpyreKvBucket"), At("SpyreQueryPadding"), At("SpyreVariantBudget"));
    }

    /// <summary>The settings without their source offsets, which the generator's cached plan must not hold.</summary>
    public SpyreSettings WithoutOffsets() => this with { KvBucketAt = SourceSpan.None, QueryPaddingAt = SourceSpan.None, BudgetAt = SourceSpan.None };
}

/// <summary>
/// What the Spyre target needs beyond the common plan: the one constant scale its program folds into q (the default
/// 1/sqrt(D) when the expression has none), its bucket settings, and every feature of the kernel its program cannot
/// express (empty when it can express them all).
/// </summary>
internal sealed record SpyreLowering(float Scale, SpyreSettings Settings, EquatableArray<string> Unsupported) : Plan.TargetPlan;
