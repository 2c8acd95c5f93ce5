using System.Linq;
using Microsoft.CodeAnalysis;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Parsing;

/// <summary>Recognises the DSL's types and methods by metadata name, so user types with the same short names never match.</summary>
internal static class DslSymbols
{
    public const string Namespace = "TensorDsl";
    public const string AttributeName = "TensorDsl.AttentionKernelAttribute";
    public const string ShapeAttributeName = "TensorDsl.ShapeAttribute";

    /// <summary>
    /// Whether the user wrote <paramref name="member"/>: not implicit, and declared somewhere other than the generator's
    /// own files. In a build the analyzers see the generated part of a kernel type too; its Run, Reference, … are not
    /// the user's members.
    /// </summary>
    public static bool IsUserDeclared(ISymbol member) =>
        !member.IsImplicitlyDeclared
        && (member.DeclaringSyntaxReferences.IsEmpty
            || member.DeclaringSyntaxReferences.Any(r => !GeneratedNames.IsGeneratedFile(r.SyntaxTree.FilePath)));

    public static bool IsDslType(ITypeSymbol? type, string metadataName) =>
        type is INamedTypeSymbol named
        && named.MetadataName == metadataName
        && named.ContainingNamespace is { Name: Namespace, ContainingNamespace.IsGlobalNamespace: true };

    public static bool IsDslMethod(ISymbol? symbol, string containingType, string name) =>
        symbol is IMethodSymbol method
        && method.Name == name
        && IsDslType(method.ContainingType, containingType);

    /// <summary>The layout of a DSL operand type (<c>Bhsd&lt;float&gt;</c> …), or null for any other type.</summary>
    public static Layout? LayoutOf(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol { Arity: 1 } named || !IsDslType(named, named.MetadataName))
        {
            return null;
        }

        return named.MetadataName switch
        {
            "Bhsd`1" => Layout.Bhsd,
            "Bshd`1" => Layout.Bshd,
            "Tokens`1" => Layout.Tokens,
            "Pages`1" => Layout.Pages,
            "Bias`1" => Layout.Bias,
            "PerHead`1" => Layout.PerHead,
            _ => null,
        };
    }

    /// <summary>The element type argument of a DSL operand type, or null when it is not float, Half or BFloat16.</summary>
    public static ElementKind? ElementOf(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol { Arity: 1 } named)
        {
            return null;
        }

        var element = named.TypeArguments[0];
        if (element.SpecialType == SpecialType.System_Single)
        {
            return ElementKind.Float;
        }

        if (element is INamedTypeSymbol { Name: "Half", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
        {
            return ElementKind.Half;
        }

        return IsDslType(element, "BFloat16") ? ElementKind.BFloat16 : null;
    }
}
