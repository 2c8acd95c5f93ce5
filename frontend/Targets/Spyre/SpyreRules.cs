using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.FrontEnd.Spyre;

/// <summary>
/// What the Spyre target lowers (docs/spyre.md#constraints), in one place for the registry (the generator: lower or
/// not) and the analyzers (TDSL0015 for a layout or run-time size it cannot take, TDSL0031–0035 for the rest, each at
/// its exact location).
/// </summary>
internal static class SpyreRules
{
    public const int StickElements = SpyreFacts.StickElements;

    /// <summary>Null when the Spyre target lowers the plan; otherwise the first reason it cannot.</summary>
    public static string? WhyNot(KernelPlan plan) => Problems(plan, null).Select(p => p.Reason).FirstOrDefault();

    /// <summary>Every reason the target cannot lower the kernel, located in <paramref name="model"/>, plus the budget warning.</summary>
    public static IEnumerable<DiagnosticInfo> Check(KernelPlan plan, KernelModel model)
    {
        foreach (var problem in Problems(plan, model))
        {
            yield return problem.Diagnostic;
        }

        if (BudgetWarning(plan, model) is { } budget)
        {
            yield return budget;
        }
    }

    private readonly record struct Problem(string Reason, DiagnosticInfo Diagnostic);

    private static IEnumerable<Problem> Problems(KernelPlan plan, KernelModel? model)
    {
        var kernel = plan.Identity.TypeName;
        var at = model?.Location ?? SourceSpan.None;
        var spyre = plan.For<SpyreLowering>();
        if (plan.Batch != BatchKind.Paged || spyre is null)
        {
            const string reason = "its program takes Tokens queries over a Pages KV cache (vLLM's paged metadata); declare q as Tokens<Half> and k, v as Pages<Half>";
            yield return new Problem(reason, Diagnose.TargetCannotLower(at, "Spyre", kernel, reason));
            yield break;
        }

        var sizes = plan.Sizes;
        foreach (var (dim, name) in new[] { (sizes.Hq, "Hq"), (sizes.Hkv, "Hkv"), (sizes.D, "D"), (sizes.BlockSize!, "BlockSize") })
        {
            if (dim.StaticValue is null)
            {
                var reason = $"its shapes are static, and {name} is given at run time; make it a const of the kernel";
                yield return new Problem(reason, Diagnose.TargetCannotLower(at, "Spyre", kernel, reason));
            }
        }

        if (sizes.D.StaticValue is { } d && d % StickElements != 0)
        {
            yield return new Problem($"head size D = {d} is not a multiple of 64",
                Diagnose.SpyreHeadSize(Located(model, plan.Query.Name, at), kernel, d));
        }

        foreach (var operand in new[] { plan.Query, plan.Key, plan.Value })
        {
            if (operand.Element != ElementKind.Half)
            {
                yield return new Problem($"'{operand.Name}' is not fp16",
                    Diagnose.SpyreElementType(Located(model, operand.Name, at), kernel, operand.Name, operand.Element));
            }
        }

        var settings = spyre.Settings;
        var written = model is null ? null : SpyreSettings.Of(model); // the plan keeps no source offsets
        long block = sizes.BlockSize!.StaticValue ?? 1;
        if (SpyreFacts.KvBucketProblem(settings.KvBucket, block) is { } requirement)
        {
            yield return new Problem($"SpyreKvBucket = {settings.KvBucket} is not stick-aligned",
                Diagnose.SpyreStickAlignment(written?.KvBucketAt ?? at, kernel, "SpyreKvBucket", settings.KvBucket, requirement));
        }

        if (settings.QueryPadding <= 0)
        {
            yield return new Problem($"SpyreQueryPadding = {settings.QueryPadding} is not positive",
                Diagnose.SpyreStickAlignment(written?.QueryPaddingAt ?? at, kernel, "SpyreQueryPadding", settings.QueryPadding, "must be > 0"));
        }

        foreach (var feature in spyre.Unsupported)
        {
            yield return new Problem("its program cannot express " + feature, Diagnose.SpyreUnsupportedFeature(at, kernel, feature));
        }
    }

    private static DiagnosticInfo? BudgetWarning(KernelPlan plan, KernelModel model)
    {
        var settings = SpyreSettings.Of(model);
        if (settings.VariantBudget <= 0 || settings.MaxNumSeqs <= 0 || settings.MaxModelLen <= 0)
        {
            return null;
        }

        long count = SpyreFacts.VariantCount(settings.MaxNumSeqs, settings.MaxModelLen, settings.KvBucket, settings.QueryPadding);
        return count > settings.VariantBudget
            ? Diagnose.SpyreVariantBudget(settings.BudgetAt, plan.Identity.TypeName, count, settings.MaxNumSeqs, settings.MaxModelLen, settings.KvBucket, settings.QueryPadding, settings.VariantBudget)
            : null;
    }

    private static SourceSpan Located(KernelModel? model, string operand, SourceSpan fallback) =>
        model?.Parameters.FirstOrDefault(p => p.Name == operand)?.ShapeLocation ?? fallback;
}
