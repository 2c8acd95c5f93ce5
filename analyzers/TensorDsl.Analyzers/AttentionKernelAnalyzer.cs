using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TensorDsl.FrontEnd.Diagnostics;
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
        RoslynDiagnostics.All.Where(d => d.Id != DiagnosticCatalog.GeneratorFailure.Id).ToImmutableArray();

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attribute = start.Compilation.GetTypeByMetadataName(DslSymbols.AttributeName);
            if (attribute is null)
            {
                return;
            }

            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, attribute), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute)))
        {
            return;
        }

        var result = KernelParser.Parse(type, context.Compilation, context.CancellationToken);
        foreach (var info in result.Diagnostics)
        {
            context.ReportDiagnostic(RoslynDiagnostics.Create(info, context.Compilation));
        }
    }
}
