using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Lowering;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Parsing;
using TensorDsl.FrontEnd.Plan;
using TensorDsl.FrontEnd.Solver;
using TensorDsl.Generators.Emit;

namespace TensorDsl.Generators;

/// <summary>
/// Parse → check → plan → emit, each an incremental step with its own tracking name and an equatable result, so an
/// edit that leaves a kernel's model (or plan) equal never re-runs the steps after it. Diagnostics belong to the
/// analyzers; a kernel with errors stops at the step that found them and gets entry points that throw the first error
/// (<see cref="StubWriter"/>), so its callers still compile. The generator reports only its own failures (TDSL9999).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class AttentionKernelGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names, for incrementality tests.</summary>
    public const string ParseStep = "TensorDsl.Parse";
    public const string CheckStep = "TensorDsl.Check";
    public const string PlanStep = "TensorDsl.Plan";
    public const string EmitStep = "TensorDsl.Emit";
    public const string StubStep = "TensorDsl.Stub";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                DslSymbols.AttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntaxContext, cancellationToken) => Parse(syntaxContext, cancellationToken))
            .WithTrackingName(ParseStep);

        var failures = parsed.Where(static outcome => outcome.Failure is not null).Select(static (outcome, _) => outcome.Failure!);
        var checkedOutcomes = parsed.Select(static (outcome, _) => Check(outcome)).WithTrackingName(CheckStep);
        var checkedModels = checkedOutcomes.Select(static (outcome, _) => outcome.Kernel);

        // Broken kernels: entry points that throw the first error. The catch-alls need C# 13 and a runtime with
        // by-ref-like generics (allows ref struct), decided once per compilation as a plain bool.
        var refStructGenerics = context.ParseOptionsProvider
            .Select(static (options, _) => options is CSharpParseOptions { LanguageVersion: >= (LanguageVersion)1300 })
            .Combine(context.CompilationProvider.Select(static (compilation, _) =>
                compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.RuntimeFeature")?.GetMembers("ByRefLikeGenerics").Length > 0))
            .Select(static (pair, _) => pair.Left && pair.Right);
        var stubs = checkedOutcomes
            .Where(static outcome => outcome.Stub is not null)
            .Combine(refStructGenerics)
            .Select(static (pair, _) => EmitStub(pair.Left.Stub!, pair.Right))
            .WithTrackingName(StubStep);
        var plans = checkedModels
            .Select(static (kernel, _) => kernel is null ? null : Guarded(kernel.Model.Location.FilePath, kernel.Model.TypeName, () => TargetRegistry.Plan(kernel)))
            .WithTrackingName(PlanStep);
        var files = plans
            .Select(static (outcome, _) => outcome?.Value is { } plan ? Emit(plan) : outcome is null ? null : new GeneratedFile(string.Empty, null, null, outcome.Failure))
            .WithTrackingName(EmitStep);

        context.RegisterSourceOutput(stubs, static (production, file) =>
        {
            if (file.Failure is { } failure)
            {
                production.ReportDiagnostic(RoslynDiagnostics.Create(failure, null));
            }
            else if (file.HintName is { } hint)
            {
                production.AddSource(hint, file.Source!);
            }
        });
        context.RegisterSourceOutput(failures, static (production, failure) => production.ReportDiagnostic(RoslynDiagnostics.Create(failure, null)));
        context.RegisterSourceOutput(files, static (production, file) =>
        {
            if (file?.Failure is { } failure)
            {
                production.ReportDiagnostic(RoslynDiagnostics.Create(failure, null));
            }
            else if (file?.HintName is { } hint)
            {
                production.AddSource(hint, file.Source!);
            }
        });
    }

    /// <summary>
    /// What the parse step yields: a valid model, or the one failure the generator itself must report, or the stub of a
    /// declaration with errors.
    /// </summary>
    internal sealed record ParseOutcome(KernelModel? Model, DiagnosticInfo? Failure, KernelStub? Stub = null);

    /// <summary>What the check step yields: the checked kernel, or the stub of a kernel whose shapes disagree.</summary>
    internal sealed record CheckOutcome(CheckedKernel? Kernel, KernelStub? Stub);

    /// <summary>A step's value, or the generator failure (TDSL9999) that stopped it.</summary>
    internal sealed record StepOutcome<T>(T? Value, DiagnosticInfo? Failure)
        where T : class;

    /// <summary>One generated file, or nothing (no target lowers the kernel), or the failure that stopped emission.</summary>
    internal sealed record GeneratedFile(string Kernel, string? HintName, string? Source, DiagnosticInfo? Failure);

    private static ParseOutcome Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type)
        {
            return new ParseOutcome(null, null);
        }

        try
        {
            var result = KernelParser.Parse(type, context.SemanticModel.Compilation, cancellationToken);
            if (result.Model is { } model)
            {
                return new ParseOutcome(WithoutOffsets(model), null);
            }

            var error = result.Diagnostics.FirstOrDefault(d => DiagnosticCatalog.IsError(d.Id));
            return new ParseOutcome(null, null, error is not null && KernelParser.CanReopen(result)
                ? new KernelStub(KernelParser.NamespaceOf(type), KernelParser.TypeChain(type), type.Name, DiagnosticCatalog.Text(error), null)
                : null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Never crash the compilation: say what broke, where, and move on.
            var location = (context.TargetNode as TypeDeclarationSyntax)?.Identifier.GetLocation() ?? context.TargetNode.GetLocation();
            return new ParseOutcome(null, Failure(SourceSpans.Of(location), type.Name, exception));
        }
    }

    /// <summary>The shape checks: a checked kernel, or the stub of one whose shapes disagree (the first error thrown).</summary>
    private static CheckOutcome Check(ParseOutcome outcome)
    {
        if (outcome.Model is not { } model)
        {
            return new CheckOutcome(null, outcome.Stub);
        }

        var solved = ShapeSolver.Solve(model);
        if (!solved.HasErrors)
        {
            return new CheckOutcome(new CheckedKernel(model, solved.Checks), null);
        }

        var error = solved.Diagnostics.First(d => DiagnosticCatalog.IsError(d.Id));
        return new CheckOutcome(null, new KernelStub(model.Namespace, model.TypeChain, model.TypeName, DiagnosticCatalog.Text(error), model));
    }

    private static GeneratedFile EmitStub(KernelStub stub, bool refStructGenerics)
    {
        var file = stub.Model?.Location.FilePath ?? string.Empty;
        var outcome = Guarded(file, stub.Kernel, () => StubWriter.Write(stub, refStructGenerics, TargetEmitters.For(stub.Model?.Targets ?? Targets.Cpu)) ?? string.Empty);
        return outcome.Value is { Length: > 0 } source
            ? new GeneratedFile(stub.Kernel, GeneratedNames.HintName(stub.Namespace, stub.TypeChain.Select(t => t.Name)), source, null)
            : new GeneratedFile(stub.Kernel, null, null, outcome.Failure);
    }

    /// <summary>
    /// Source offsets move with every edit above the kernel in its file; nothing after parsing reads them, so they are
    /// dropped to keep the model equal (and later steps cached) across such edits. The file stays, so a TDSL9999 from a
    /// later step still names it.
    /// </summary>
    private static KernelModel WithoutOffsets(KernelModel model) => model with
    {
        Location = new SourceSpan(model.Location.FilePath, 0, 0),
        Parameters = model.Parameters.Select(p => p with { ShapeLocation = SourceSpan.None }).ToEquatableArray(),
        Output = model.Output with { ShapeLocation = SourceSpan.None },
        Settings = model.Settings.Select(s => s with { At = SourceSpan.None }).ToEquatableArray(),
        ScoresLocation = model.ScoresLocation is null ? null : SourceSpan.None,
    };

    private static StepOutcome<T> Guarded<T>(string file, string kernel, Func<T> step)
        where T : class
    {
        try
        {
            return new StepOutcome<T>(step(), null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new StepOutcome<T>(null, Failure(new SourceSpan(file, 0, 0), kernel, exception));
        }
    }

    /// <summary>Every kernel gets its <c>Reference</c>; each target the registry accepts adds its entry points.</summary>
    private static GeneratedFile Emit(KernelPlan plan)
    {
        var targets = TargetRegistry.Lowerable(plan);
        var outcome = Guarded(plan.Identity.FilePath, plan.Identity.TypeName, () => KernelFileWriter.Write(plan, TargetEmitters.For(targets)));
        return outcome.Value is { } source
            ? new GeneratedFile(plan.Identity.TypeName, KernelFileWriter.HintName(plan.Identity), source, null)
            : new GeneratedFile(plan.Identity.TypeName, null, null, outcome.Failure);
    }

    private static DiagnosticInfo Failure(SourceSpan location, string kernel, Exception exception) =>
        Diagnose.GeneratorFailure(location, kernel, exception.GetType().Name + ": " + exception.Message);
}
