using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Lowering;
using TensorDsl.FrontEnd.Parsing;

namespace TensorDsl.Analyzers;

/// <summary>
/// Reports every TDSL diagnostic for <c>[AttentionKernel]</c> types. It runs the same front end as the generator,
/// so what the IDE flags is exactly what the generator would refuse.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AttentionKernelAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        RoslynDiagnostics.All.Where(d => d.Id != DiagnosticIds.GeneratorFailure).ToImmutableArray();

    public override void Initialize(AnalysisContext context)
    {
        // Code under '#line hidden' counts as generated for Roslyn, and so does a user file named *.g.cs; the generator
        // emits for kernels there too, so the analyzer must report there too: what the build refuses, it explains.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attribute = start.Compilation.GetTypeByMetadataName(DslSymbols.AttributeName);
            if (attribute is null)
            {
                return;
            }

            // The package's build files make TensorDslHelpLinkBase compiler-visible, defaulting to the docs the package
            // ships (docs/packaging.md#help-links); without it (a ProjectReference build) the assembly's own base is used.
            start.Options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue("build_property.TensorDslHelpLinkBase", out var helpLinkBase);
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, attribute, helpLinkBase), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attribute, string? helpLinkBase)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!IsKernel(type, attribute))
        {
            // A type that contains a kernel must be partial too (the generator reopens it). That is reported here,
            // while the containing type itself is analysed, so the diagnostic is local to it: the IDE shows it
            // with its code fix, and two kernels in one type do not report it twice.
            if (ContainsKernel(type, attribute))
            {
                ReportNotPartial(context, type, attribute, helpLinkBase);
            }

            return;
        }

        foreach (var info in KernelDiagnostics.Of(type, context.Compilation, context.CancellationToken))
        {
            var diagnostic = RoslynDiagnostics.Create(info, context.Compilation, helpLinkBase);
            if (info.Id == DiagnosticIds.KernelNotPartial && !IsInside(type, diagnostic.Location))
            {
                continue; // about a containing type: reported when that type is analysed (above)
            }

            context.ReportDiagnostic(diagnostic);
        }
    }

    private static bool IsKernel(INamedTypeSymbol type, INamedTypeSymbol attribute) =>
        type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

    private static INamedTypeSymbol? FirstKernel(INamedTypeSymbol type, INamedTypeSymbol attribute) =>
        type.GetTypeMembers().Select(nested => IsKernel(nested, attribute) ? nested : FirstKernel(nested, attribute)).FirstOrDefault(k => k is not null);

    private static bool ContainsKernel(INamedTypeSymbol type, INamedTypeSymbol attribute) =>
        type.GetTypeMembers().Any(nested => IsKernel(nested, attribute) || ContainsKernel(nested, attribute));

    private static void ReportNotPartial(SymbolAnalysisContext context, INamedTypeSymbol type, INamedTypeSymbol attribute, string? helpLinkBase)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration
                && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                var info = Diagnose.KernelNotPartial(SourceSpans.Of(declaration.Identifier), type.Name, FirstKernel(type, attribute)?.Name);
                context.ReportDiagnostic(RoslynDiagnostics.Create(info, context.Compilation, helpLinkBase));
            }
        }
    }

    private static bool IsInside(INamedTypeSymbol type, Location location) =>
        type.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == location.SourceTree && r.Span.Contains(location.SourceSpan));
}
