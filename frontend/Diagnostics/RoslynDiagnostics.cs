using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Diagnostics;

/// <summary>The one bridge from the Roslyn-free catalogue to Roslyn's diagnostics.</summary>
internal static class RoslynDiagnostics
{
    private static readonly Dictionary<string, DiagnosticDescriptor> Descriptors =
        DiagnosticCatalog.All.ToDictionary(spec => spec.Id, ToDescriptor);

    public static IEnumerable<DiagnosticDescriptor> All => Descriptors.Values;

    public static DiagnosticDescriptor Descriptor(string id) => Descriptors[id];

    /// <summary>
    /// A Roslyn diagnostic at the model's span. With a compilation, the span is mapped back into its syntax tree
    /// (analyzers must report in-source locations); without one it becomes a file location.
    /// </summary>
    public static Diagnostic Create(DiagnosticInfo info, Compilation? compilation) =>
        Diagnostic.Create(Descriptors[info.Id], ToLocation(info.Location, compilation), info.Arguments.Items.Cast<object>().ToArray());

    public static Location ToLocation(SourceSpan span, Compilation? compilation)
    {
        if (span.FilePath.Length == 0 && span.Length == 0)
        {
            return Location.None;
        }

        var textSpan = new TextSpan(span.Start, span.Length);
        var tree = compilation?.SyntaxTrees.FirstOrDefault(t => t.FilePath == span.FilePath);
        return tree is not null
            ? Location.Create(tree, textSpan)
            : Location.Create(span.FilePath, textSpan, new LinePositionSpan(
                new LinePosition(span.StartLine, span.StartColumn), new LinePosition(span.EndLine, span.EndColumn)));
    }

    private static DiagnosticDescriptor ToDescriptor(DiagnosticSpec spec) => new(
        spec.Id,
        spec.Title,
        spec.MessageFormat,
        spec.Category,
        spec.Level == DiagnosticLevel.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: spec.HelpLink);
}
