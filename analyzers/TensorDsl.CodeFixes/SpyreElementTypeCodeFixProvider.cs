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

    private static async Task<Document> ToHalf(Document document, MethodDeclarationSyntax method, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var targets = method.ParameterList.Parameters.Select(p => p.Type).Append(method.ReturnType)
            .OfType<GenericNameSyntax>()
            .Where(g => TensorTypes.Contains(g.Identifier.ValueText) && g.TypeArgumentList.Arguments.Count == 1)
            .ToList();
        var updated = method.ReplaceNodes(targets, (original, _) => original.WithTypeArgumentList(
            original.TypeArgumentList.WithArguments(SyntaxFactory.SingletonSeparatedList<TypeSyntax>(
                SyntaxFactory.IdentifierName("Half").WithTriviaFrom(original.TypeArgumentList.Arguments[0])))));
        return document.WithSyntaxRoot(root.ReplaceNode(method, updated));
    }
}
