using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using TensorDsl.FrontEnd.Diagnostics;

namespace TensorDsl.CodeFixes;

/// <summary>
/// TDSL0032 → make the kernel fp16: the element type of every q/k/v/output tensor type of the expression method
/// (<c>Tokens&lt;T&gt;</c>, <c>Pages&lt;T&gt;</c>, <c>Bhsd&lt;T&gt;</c>, <c>Bshd&lt;T&gt;</c>, parameters and return type) becomes
/// <c>Half</c>. All of them at once: k and v share one type and the output has the query's (TDSL0030), so changing only
/// the flagged parameter would trade one diagnostic for another. Bias and per-head operands keep theirs.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SpyreElementTypeCodeFixProvider)), Shared]
public sealed class SpyreElementTypeCodeFixProvider : CodeFixProvider
{
    private static readonly ImmutableHashSet<string> TensorTypes = ImmutableHashSet.Create("Tokens", "Pages", "Bhsd", "Bshd");

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SpyreElementType);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } method)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Use Half (fp16) for q, k, v and the output", ct => ToHalf(context.Document, method, ct), DiagnosticIds.SpyreElementType),
                    diagnostic);
            }
        }
    }

    /// <summary>
    /// Reads each type through the semantic model, so a qualified name (<c>TensorDsl.Pages&lt;TensorDsl.BFloat16&gt;</c>) or an
    /// alias is fixed like <c>Pages&lt;BFloat16&gt;</c>, and writes the new type fully qualified, then simplified: it reads
    /// <c>Pages&lt;Half&gt;</c> where <c>using System;</c> is in scope and <c>Pages&lt;System.Half&gt;</c> where it is not.
    /// </summary>
    private static async Task<Document> ToHalf(Document document, MethodDeclarationSyntax method, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var half = model?.Compilation.GetTypeByMetadataName("System.Half");
        if (root is null || model is null || half is null)
        {
            return document;
        }

        var generator = SyntaxGenerator.GetGenerator(document);
        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        foreach (var type in method.ParameterList.Parameters.Select(p => p.Type).Append(method.ReturnType))
        {
            if (type is not null
                && model.GetTypeInfo(type, cancellationToken).Type is INamedTypeSymbol { Arity: 1 } tensor
                && TensorTypes.Contains(tensor.Name)
                && tensor.ContainingNamespace is { Name: "TensorDsl", ContainingNamespace.IsGlobalNamespace: true }
                && !SymbolEqualityComparer.Default.Equals(tensor.TypeArguments[0], half))
            {
                replacements[type] = generator.TypeExpression(tensor.OriginalDefinition.Construct(half))
                    .WithTriviaFrom(type)
                    .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
            }
        }

        var updated = root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
        return await Simplifier.ReduceAsync(document.WithSyntaxRoot(updated), Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
