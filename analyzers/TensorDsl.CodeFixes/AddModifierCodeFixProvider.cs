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
/// TDSL0001 → add <c>partial</c> to the type; TDSL0002 → add <c>static</c> to the expression method.
/// The modifier is inserted where C# expects it (after access and <c>static</c>, before the type keyword).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddModifierCodeFixProvider)), Shared]
public sealed class AddModifierCodeFixProvider : CodeFixProvider
{
    private const string MakePartial = DiagnosticIds.KernelNotPartial;
    private const string MakeStatic = DiagnosticIds.KernelMethodNotStatic;

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(MakePartial, MakeStatic);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent;
            if (diagnostic.Id == MakePartial && node?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } type)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Make the kernel type partial", ct => AddModifier(context.Document, type, SyntaxKind.PartialKeyword, ct), MakePartial),
                    diagnostic);
            }
            else if (diagnostic.Id == MakeStatic && node?.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } method)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Make the expression method static", ct => AddModifier(context.Document, method, SyntaxKind.StaticKeyword, ct), MakeStatic),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> AddModifier(Document document, MemberDeclarationSyntax member, SyntaxKind kind, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var modifiers = member.Modifiers;
        var token = SyntaxFactory.Token(kind);
        SyntaxTokenList updated;
        if (kind == SyntaxKind.PartialKeyword || modifiers.Count == 0)
        {
            // 'partial' must come last; with no modifiers at all the new one takes over the keyword's (or return
            // type's) leading trivia: the indentation, not the attributes' or doc comment's trivia before them.
            updated = modifiers.Count == 0
                ? SyntaxFactory.TokenList(token.WithTrailingTrivia(SyntaxFactory.Space))
                : modifiers.Add(token.WithTrailingTrivia(SyntaxFactory.Space));
        }
        else
        {
            var index = modifiers.TakeWhile(m => m.Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword
                or SyntaxKind.InternalKeyword or SyntaxKind.ProtectedKeyword).Count();
            updated = modifiers.Insert(index, token.WithTrailingTrivia(SyntaxFactory.Space));
        }

        var replaced = member switch
        {
            TypeDeclarationSyntax type when modifiers.Count == 0 =>
                type.WithModifiers(updated.Replace(updated[0], updated[0].WithLeadingTrivia(type.Keyword.LeadingTrivia)))
                    .WithKeyword(type.Keyword.WithLeadingTrivia()),
            TypeDeclarationSyntax type => type.WithModifiers(updated),
            MethodDeclarationSyntax method when modifiers.Count == 0 =>
                method.WithModifiers(updated.Replace(updated[0], updated[0].WithLeadingTrivia(method.ReturnType.GetLeadingTrivia())))
                    .WithReturnType(method.ReturnType.WithLeadingTrivia()),
            MethodDeclarationSyntax method => method.WithModifiers(updated),
            _ => member,
        };

        return document.WithSyntaxRoot(root.ReplaceNode(member, replaced));
    }
}
