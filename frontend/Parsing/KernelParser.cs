using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Shapes;

namespace TensorDsl.FrontEnd.Parsing;

/// <summary>What the front end makes of one kernel declaration: a model when it is valid, and its diagnostics.</summary>
internal sealed record ParseResult(KernelModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Reads a <c>[AttentionKernel]</c> type: declaration rules, parameters and their shapes, then hands the
/// expression to <see cref="ExpressionParser"/>. The only stage that sees Roslyn; the shape checks come after it
/// (<see cref="Solver.ShapeSolver"/>), as a step of their own.
/// </summary>
internal static class KernelParser
{
    public static ParseResult Parse(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var model = ParseCore(type, compilation, diagnostics, cancellationToken);
        var errors = diagnostics.Any(d => DiagnosticCatalog.IsError(d.Id));
        return new ParseResult(errors ? null : model, diagnostics.ToEquatableArray());
    }

    private static KernelModel? ParseCore(
        INamedTypeSymbol type, Compilation compilation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var typeLocation = SourceSpans.Of(type.Locations.FirstOrDefault() ?? Location.None);
        CheckPartial(type, diagnostics);
        if (type.IsRecord)
        {
            diagnostics.Add(Diagnose.KernelTypeForm(typeLocation, type.Name, type.TypeKind == TypeKind.Struct ? "a record struct" : "a record"));
        }

        if (type.IsGenericType)
        {
            // Roslyn calls a type generic when a type around it is: say which one, since the kernel itself may not be.
            var generic = type;
            while (generic.TypeParameters.IsEmpty && generic.ContainingType is { } outer)
            {
                generic = outer;
            }

            var typeParameters = $"<{string.Join(", ", generic.TypeParameters.Select(t => t.Name))}>";
            diagnostics.Add(Diagnose.KernelTypeForm(typeLocation, type.Name, SymbolEqualityComparer.Default.Equals(generic, type)
                ? $"generic ({typeParameters})"
                : $"nested in the generic type '{generic.Name}{typeParameters}', so it is generic too"));
        }

        if (type.IsFileLocal)
        {
            // A file-local type cannot have a part in another file, and the generated part is another file.
            diagnostics.Add(Diagnose.KernelTypeForm(typeLocation, type.Name, "file-local ('file'), so the generated part, another file, cannot join it"));
        }

        foreach (var name in GeneratedNames.Members)
        {
            if (type.GetMembers(name).FirstOrDefault(DslSymbols.IsUserDeclared) is { } member)
            {
                diagnostics.Add(Diagnose.KernelTypeForm(
                    SourceSpans.Of(member.Locations.FirstOrDefault() ?? Location.None), type.Name,
                    $"declaring its own member '{name}', a name the generator adds to the kernel type"));
            }
        }

        if (GeneratedNames.Members.Contains(type.Name))
        {
            // The generated members have these names, and C# forbids a member named like its type.
            diagnostics.Add(Diagnose.KernelTypeForm(typeLocation, type.Name, $"named '{type.Name}' like a member the generator adds to it"));
        }

        var targets = ReadTargets(type, diagnostics);

        var methods = type.GetMembers().OfType<IMethodSymbol>()
            .Where(m => m.MethodKind == MethodKind.Ordinary && DslSymbols.LayoutOf(m.ReturnType) is not null)
            .ToList();
        if (methods.Count != 1)
        {
            diagnostics.Add(Diagnose.KernelMethodCount(typeLocation, type.Name, methods.Count));
            return null;
        }

        var method = methods[0];
        if (method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not MethodDeclarationSyntax syntax)
        {
            return null;
        }

        if (!method.IsStatic)
        {
            diagnostics.Add(Diagnose.KernelMethodNotStatic(SourceSpans.Of(syntax.Identifier), method.Name));
        }

        var semanticModel = compilation.GetSemanticModel(syntax.SyntaxTree);
        var constants = ShapeConstants.Of(type);
        var operands = new List<(IParameterSymbol Symbol, OperandModel Model)>();
        foreach (var parameter in method.Parameters)
        {
            if (ReadOperand(parameter, parameter.Type, parameter.Name, parameter.GetAttributes(),
                    SourceSpans.Of(parameter.Locations.FirstOrDefault() ?? Location.None), constants, diagnostics) is { } operand)
            {
                operands.Add((parameter, operand));
            }
        }

        var output = ReadOperand(null, method.ReturnType, "output", method.GetReturnTypeAttributes(),
            SourceSpans.Of(syntax.ReturnType), constants, diagnostics, shapeOptional: true);

        var body = syntax.ExpressionBody?.Expression
            ?? (syntax.Body?.Statements is { Count: 1 } statements && statements[0] is ReturnStatementSyntax { Expression: { } returned } ? returned : null);
        if (body is null)
        {
            diagnostics.Add(Diagnose.BodyNotSingleExpression(SourceSpans.Of((SyntaxNode?)syntax.Body ?? syntax), method.Name, DescribeBody(syntax)));
            return null;
        }

        if (output is null || operands.Count != method.Parameters.Length)
        {
            return null;
        }

        var expression = new ExpressionParser(semanticModel, operands.Select(o => o.Symbol).ToImmutableArray(), diagnostics, cancellationToken);
        if (!expression.Parse(body))
        {
            return null;
        }

        var parameters = operands
            .Select(o => o.Model with { Role = expression.RoleOf(o.Symbol) })
            .ToList();
        foreach (var (symbol, operand) in operands)
        {
            if (expression.RoleOf(symbol) == OperandRole.Unused)
            {
                diagnostics.Add(Diagnose.UnusedParameter(SourceSpans.Of(symbol.Locations.FirstOrDefault() ?? Location.None), operand.Name));
            }
        }

        var query = parameters.FirstOrDefault(p => p.Role == OperandRole.Query);
        var value = parameters.FirstOrDefault(p => p.Role == OperandRole.Value);
        var key = parameters.FirstOrDefault(p => p.Role == OperandRole.Key);
        if (query is null || key is null || value is null)
        {
            return null;
        }

        return new KernelModel(
            NamespaceOf(type),
            TypeChain(type),
            method.Name,
            Normalize(body.ToString()),
            targets,
            query.Element,
            key.Element,
            parameters.ToEquatableArray(),
            output with { Role = OperandRole.Output },
            expression.Steps.ToEquatableArray(),
            expression.Masks.ToEquatableArray(),
            expression.Sinks,
            typeLocation,
            ReadSettings(type),
            expression.ScoresLocation,
            ReadMarks(method));
    }

    private static void CheckPartial(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is TypeDeclarationSyntax declaration
                    && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Add(Diagnose.KernelNotPartial(
                        SourceSpans.Of(declaration.Identifier), current.Name, SymbolEqualityComparer.Default.Equals(current, type) ? null : type.Name));
                }
            }
        }
    }

    private static OperandModel? ReadOperand(
        IParameterSymbol? parameter,
        ITypeSymbol type,
        string name,
        ImmutableArray<AttributeData> attributes,
        SourceSpan location,
        ShapeConstants constants,
        List<DiagnosticInfo> diagnostics,
        bool shapeOptional = false)
    {
        var layout = DslSymbols.LayoutOf(type);
        var element = DslSymbols.ElementOf(type);
        if (layout is null || element is null || parameter is { RefKind: not RefKind.None })
        {
            diagnostics.Add(Diagnose.OperandType(location, name, type.ToDisplayString(),
                "kernel parameters are Bhsd<T>, Bshd<T>, Tokens<T>, Pages<T>, Bias<T> or PerHead<float>, passed by value, with T float, Half or BFloat16"));
            return null;
        }

        if (layout == Layout.PerHead && element != ElementKind.Float)
        {
            diagnostics.Add(Diagnose.OperandType(location, name, type.ToDisplayString(), "per-head values are PerHead<float>"));
            return null;
        }

        var shapeAttribute = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == DslSymbols.ShapeAttributeName);
        if (shapeAttribute is null)
        {
            if (shapeOptional || layout == Layout.PerHead)
            {
                return new OperandModel(name, OperandRole.Unused, layout.Value, element.Value, EquatableArray<DimExpr>.Empty, location);
            }

            diagnostics.Add(Diagnose.InvalidShape(location, name, $"it has no [Shape(\"...\")] attribute; a {layout} tensor needs one, e.g. \"{LayoutAxes.Example(layout.Value)}\""));
            return null;
        }

        var argumentSyntax = (shapeAttribute.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.ArgumentList?.Arguments.FirstOrDefault()?.Expression;
        var shapeLocation = argumentSyntax is null ? location : SourceSpans.Of(argumentSyntax);
        if (shapeAttribute.ConstructorArguments.Length != 1 || shapeAttribute.ConstructorArguments[0].Value is not string text)
        {
            diagnostics.Add(Diagnose.InvalidShape(shapeLocation, name, "the shape must be a constant string"));
            return null;
        }

        if (!ShapeParser.TryParse(text, constants.Values, constants.Rejected, out var shape, out var offset, out var error))
        {
            // Point at the offending character when the source spells the string character for character (no
            // escapes, not verbatim or raw); otherwise the whole argument is the most exact location there is.
            var at = argumentSyntax is LiteralExpressionSyntax literal && literal.Token.Text == "\"" + text + "\""
                ? new SourceSpan(shapeLocation.FilePath, shapeLocation.Start + 1 + offset, 1)
                : shapeLocation;
            diagnostics.Add(Diagnose.InvalidShape(at, name, $"{error} (in \"{text}\")"));
            return null;
        }

        var rank = LayoutAxes.Rank(layout.Value);
        if (shape.Count != rank)
        {
            diagnostics.Add(Diagnose.RankMismatch(shapeLocation, name, layout.Value, rank, LayoutAxes.Describe(layout.Value), text, shape.Count));
            return null;
        }

        return new OperandModel(name, OperandRole.Unused, layout.Value, element.Value, shape, shapeLocation);
    }

    /// <summary>
    /// The attribute's targets. No target, or a bit no target has, would silently generate nothing: an error on the
    /// argument (TDSL0028).
    /// </summary>
    private static Targets ReadTargets(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics)
    {
        var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == DslSymbols.AttributeName);
        if (attribute?.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not int targets)
        {
            return Targets.Cpu;
        }

        const int known = (int)KnownTargets.All;
        if (targets == 0 || (targets & ~known) != 0)
        {
            var argument = (attribute.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.ArgumentList?.Arguments.FirstOrDefault()?.Expression;
            var at = argument is null ? SourceSpans.Of(type.Locations.FirstOrDefault() ?? Location.None) : SourceSpans.Of(argument);
            var problem = targets == 0
                ? "select no target, so nothing would be generated"
                : $"include the undefined bit(s) 0x{targets & ~known:X}";
            diagnostics.Add(Diagnose.InvalidTargets(at, Normalize(argument?.ToString() ?? targets.ToString()), targets, problem));
        }

        return (Targets)targets;
    }

    /// <summary>
    /// The attribute's named <c>int</c> arguments as written, each where its value is; what they mean is each target's
    /// business (<see cref="AttributeSetting"/>).
    /// </summary>
    private static EquatableArray<AttributeSetting> ReadSettings(INamedTypeSymbol type)
    {
        var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == DslSymbols.AttributeName);
        if (attribute is null || attribute.NamedArguments.Length == 0)
        {
            return EquatableArray<AttributeSetting>.Empty;
        }

        var syntax = (attribute.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.ArgumentList?.Arguments;
        var settings = new List<AttributeSetting>();
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Value.Value is int value)
            {
                var written = syntax?.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == argument.Key);
                settings.Add(new AttributeSetting(argument.Key, value, written is null ? SourceSpan.None : SourceSpans.Of(written.Expression)));
            }
        }

        return settings.ToEquatableArray();
    }

    /// <summary>The expression method's attributes that bind its callers (<see cref="MethodMarks"/>), or null.</summary>
    private static MethodMarks? ReadMarks(IMethodSymbol method)
    {
        bool obsolete = false;
        var experimental = new List<string>();
        string? unreferenced = null, dynamic = null, files = null;
        foreach (var attribute in method.GetAttributes())
        {
            var message = attribute.ConstructorArguments.FirstOrDefault().Value as string;
            switch (attribute.AttributeClass?.ToDisplayString())
            {
                case "System.ObsoleteAttribute":
                    obsolete = true;
                    break;
                case "System.Diagnostics.CodeAnalysis.ExperimentalAttribute" when message is { Length: > 0 }:
                    experimental.Add(message);
                    break;
                case "System.Diagnostics.CodeAnalysis.RequiresUnreferencedCodeAttribute":
                    unreferenced = message ?? string.Empty;
                    break;
                case "System.Diagnostics.CodeAnalysis.RequiresDynamicCodeAttribute":
                    dynamic = message ?? string.Empty;
                    break;
                case "System.Diagnostics.CodeAnalysis.RequiresAssemblyFilesAttribute":
                    files = message ?? string.Empty;
                    break;
            }
        }

        var marks = new MethodMarks(obsolete, experimental.ToEquatableArray(), unreferenced, dynamic, files);
        return marks.Any ? marks : null;
    }

    /// <summary>What a body that is not one expression is, for TDSL0020.</summary>
    private static string DescribeBody(MethodDeclarationSyntax syntax) => syntax.Body switch
    {
        null => "missing",
        { Statements.Count: 0 } => "an empty block",
        { Statements.Count: 1 } => "a block whose only statement is not 'return expression;'",
        { Statements.Count: var count } => $"a block of {count} statements",
    };

    /// <summary>The kernel's namespace (null for the global one), as the model and the generated file name it.</summary>
    public static string? NamespaceOf(INamedTypeSymbol type) =>
        type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();

    /// <summary>
    /// Whether a generated part can join the kernel type despite its errors: every type of the chain is partial, none
    /// is generic or file-local, and no user member takes a generated name (TDSL0001 and TDSL0019 say otherwise).
    /// Only then does the generator add entry points that throw the first error (docs/design.md, "Broken kernels").
    /// </summary>
    public static bool CanReopen(ParseResult result) =>
        !result.Diagnostics.Any(d => d.Id is DiagnosticIds.KernelNotPartial or DiagnosticIds.KernelTypeForm);

    public static EquatableArray<TypeDeclarationModel> TypeChain(INamedTypeSymbol type)
    {
        var chain = new List<TypeDeclarationModel>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            var keyword = current.IsRecord
                ? (current.TypeKind == TypeKind.Struct ? "record struct" : "record")
                : current.TypeKind switch { TypeKind.Struct => "struct", TypeKind.Interface => "interface", _ => "class" };
            var modifiers = current.IsStatic ? "static partial " : "partial ";
            chain.Insert(0, new TypeDeclarationModel(modifiers + keyword, current.Name));
        }

        return chain.ToEquatableArray();
    }

    /// <summary>Source text on one line (runs of whitespace → one space), for messages and generated comments.</summary>
    internal static string Normalize(string text) =>
        string.Join(" ", text.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));
}
