using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Parsing;
using TensorDsl.Generators.Emit;

namespace TensorDsl.Generators;

/// <summary>
/// Parser → model → emitter. The transform step turns each <c>[AttentionKernel]</c> class into an equatable
/// <see cref="KernelModel"/> (no symbols survive it), so an edit that leaves a kernel's model equal never re-runs
/// its emit step. Diagnostics belong to the analyzers; a kernel with errors simply emits nothing here.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class AttentionKernelGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names, for incrementality tests.</summary>
    public const string ModelStep = "TensorDsl.KernelModel";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var kernels = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                DslSymbols.AttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntaxContext, cancellationToken) => Transform(syntaxContext, cancellationToken))
            .WithTrackingName(ModelStep);

        context.RegisterSourceOutput(kernels, static (production, outcome) => Produce(production, outcome));
    }

    /// <summary>What reaches the emit step: a model to emit, or the one failure the generator itself must report.</summary>
    internal sealed record Outcome(KernelModel? Model, DiagnosticInfo? Failure);

    private static Outcome Transform(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type)
        {
            return new Outcome(null, null);
        }

        try
        {
            var result = KernelParser.Parse(type, context.SemanticModel.Compilation, cancellationToken);
            return new Outcome(result.Model is { } model && IsEmittable(model) ? WithoutOffsets(model) : null, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Never crash the compilation: say what broke, where, and move on.
            var location = (context.TargetNode as TypeDeclarationSyntax)?.Identifier.GetLocation() ?? context.TargetNode.GetLocation();
            return new Outcome(null, DiagnosticInfo.Create(
                DiagnosticCatalog.GeneratorFailure, SourceSpans.Of(location), type.Name, exception.GetType().Name + ": " + exception.Message));
        }
    }

    /// <summary>
    /// Source offsets move with every edit above the kernel in its file; the emitter never reads them, so they are
    /// dropped here to keep the model equal (and emission cached) across such edits. The file stays, so a TDSL9999
    /// from the emit step still names it.
    /// </summary>
    private static KernelModel WithoutOffsets(KernelModel model) => model with
    {
        Location = new SourceSpan(model.Location.FilePath, 0, 0), // TDSL9999 from emit names the file, at its start
        Parameters = model.Parameters.Select(p => p with { ShapeLocation = SourceSpan.None }).ToEquatableArray(),
        Output = model.Output with { ShapeLocation = SourceSpan.None },
    };

    /// <summary>This version emits dense kernels; the analyzers say so (TDSL0015) for the other layouts.</summary>
    private static bool IsEmittable(KernelModel model) =>
        model.Find(OperandRole.Query)?.Layout is OperandLayout.Bhsd or OperandLayout.Bshd;

    private static void Produce(SourceProductionContext production, Outcome outcome)
    {
        if (outcome.Failure is { } failure)
        {
            production.ReportDiagnostic(RoslynDiagnostics.Create(failure, null));
            return;
        }

        if (outcome.Model is not { } model)
        {
            return;
        }

        string source;
        try
        {
            source = KernelEmitter.Emit(model);
        }
        catch (Exception exception)
        {
            production.ReportDiagnostic(RoslynDiagnostics.Create(DiagnosticInfo.Create(
                DiagnosticCatalog.GeneratorFailure, model.Location, model.TypeName, exception.GetType().Name + ": " + exception.Message), null));
            return;
        }

        production.AddSource(KernelEmitter.HintName(model), source);
    }
}
