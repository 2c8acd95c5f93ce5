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
    /// <param name="helpLinkBase">
    /// The consumer's help-link base (the MSBuild property <c>TensorDslHelpLinkBase</c>; the package's targets default it
    /// to the docs the package ships), or null for the one stamped into this assembly.
    /// </param>
    public static Diagnostic Create(DiagnosticInfo info, Compilation? compilation, string? helpLinkBase = null) =>
        Diagnostic.Create(Descriptor(info.Id, helpLinkBase), ToLocation(info.Location, compilation), info.Arguments.Items.Cast<object>().ToArray());

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Id, string Base), DiagnosticDescriptor> Rebased = new();

    /// <summary>The descriptor of <paramref name="id"/>, its help link under <paramref name="helpLinkBase"/> when one is given.</summary>
    public static DiagnosticDescriptor Descriptor(string id, string? helpLinkBase)
    {
        if (NormalizeBase(helpLinkBase) is not { } normalized)
        {
            return Descriptors[id];
        }

        return Rebased.GetOrAdd((id, normalized), key =>
        {
            var spec = DiagnosticCatalog.All.First(s => s.Id == key.Id);
            return new DiagnosticDescriptor(spec.Id, spec.Title, spec.MessageFormat, spec.Category,
                spec.Level == DiagnosticLevel.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
                isEnabledByDefault: true, helpLinkUri: key.Base + spec.Id + ".md");
        });
    }

    /// <summary>A URL ending in '/', or a local folder as a file URI (the package's own docs); null when unusable.</summary>
    private static string? NormalizeBase(string? helpLinkBase)
    {
        if (string.IsNullOrWhiteSpace(helpLinkBase))
        {
            return null;
        }

        var text = helpLinkBase!.Trim();
        if (!System.Uri.TryCreate(text, System.UriKind.Absolute, out var uri))
        {
            return null;
        }

        var absolute = uri.IsFile ? uri.AbsoluteUri : text;
        return absolute.EndsWith("/", System.StringComparison.Ordinal) ? absolute : absolute + "/";
    }

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
