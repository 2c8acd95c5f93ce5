using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.FrontEnd.Parsing;

/// <summary>
/// Turns a mask or score lambda into a <see cref="ScalarExpr"/> tree: parameters become the kernel's index variables
/// by position, constants become typed constants (an enum keeps its enum type), and each call records the overload
/// C# bound. Anything that could capture state, allocate or call user code is reported instead. The tree means
/// exactly what the lambda means, so the kernel and the reference engine (which calls the lambda itself) agree.
/// </summary>
internal static class LambdaLowering
{
    /// <summary>Lambda parameters in order: <c>(batch, head, position, key[, score])</c>.</summary>
    private static readonly ScalarVariable[] ParameterVariables =
        { ScalarVariable.Batch, ScalarVariable.Head, ScalarVariable.Position, ScalarVariable.Key, ScalarVariable.Score };

    public static LoweredLambda? Lower(
        LambdaExpressionSyntax lambda, SemanticModel model, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (model.GetSymbolInfo(lambda, cancellationToken).Symbol is not IMethodSymbol method)
        {
            return null;
        }

        if (lambda.ExpressionBody is not { } body)
        {
            diagnostics.Add(Diagnose.LambdaConstruct(SourceSpans.Of(lambda.Body), "{ ... }", "use an expression body (=> expression)"));
            return null;
        }

        var lowered = new Lowerer(model, method, diagnostics, cancellationToken).Lower(body);
        return lowered is null ? null : new LoweredLambda(lowered);
    }

    private sealed class Lowerer
    {
        private readonly SemanticModel _model;
        private readonly IMethodSymbol _lambda;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly CancellationToken _cancellationToken;
        private bool _failed;

        public Lowerer(SemanticModel model, IMethodSymbol lambda, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            _model = model;
            _lambda = lambda;
            _diagnostics = diagnostics;
            _cancellationToken = cancellationToken;
        }

        public ScalarExpr? Lower(ExpressionSyntax body)
        {
            var tree = Visit(body);
            return _failed ? null : tree;
        }

        private ScalarExpr Visit(ExpressionSyntax node)
        {
            if (Constant(node) is { } folded)
            {
                return folded;
            }

            switch (node)
            {
                case IdentifierNameSyntax identifier
                    when _model.GetSymbolInfo(identifier, _cancellationToken).Symbol is IParameterSymbol parameter
                         && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _lambda)
                         && parameter.Ordinal < ParameterVariables.Length:
                    return new VariableExpr(ParameterVariables[parameter.Ordinal]);

                case ParenthesizedExpressionSyntax parenthesized:
                    return Visit(parenthesized.Expression);

                case PrefixUnaryExpressionSyntax unary when Unary(unary.Kind()) is { } op && IsBuiltIn(unary):
                    return new UnaryExpr(op, Visit(unary.Operand));

                case BinaryExpressionSyntax binary when Binary(binary.Kind()) is { } op && IsBuiltIn(binary):
                    return new BinaryExpr(op, Visit(binary.Left), Visit(binary.Right));

                case ConditionalExpressionSyntax conditional:
                    return new ConditionalExpr(Visit(conditional.Condition), Visit(conditional.WhenTrue), Visit(conditional.WhenFalse));

                case CastExpressionSyntax cast when _model.GetTypeInfo(cast.Type, _cancellationToken).Type is { } target && TypeOf(target) is { EnumType: null } type:
                    return new CastExpr(type, Visit(cast.Expression));

                case InvocationExpressionSyntax invocation
                    when _model.GetSymbolInfo(invocation, _cancellationToken).Symbol is IMethodSymbol { IsStatic: true, IsGenericMethod: false } method
                         && Library(method.ContainingType) is { } library:
                    return Call(invocation, method, library);

                default:
                    return Fail(node, Reason(node));
            }
        }

        private ScalarExpr Call(InvocationExpressionSyntax invocation, IMethodSymbol method, MathLibrary library)
        {
            var parameters = new List<ScalarType>();
            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.None || parameter.IsParams || TypeOf(parameter.Type) is not { } type)
                {
                    return Fail(invocation, $"{method.ContainingType.Name}.{method.Name} takes a parameter of type {parameter.Type.ToDisplayString()}, which cannot be inlined");
                }

                parameters.Add(type);
            }

            if (TypeOf(method.ReturnType) is null)
            {
                return Fail(invocation, $"{method.ContainingType.Name}.{method.Name} returns {method.ReturnType.ToDisplayString()}, not a number");
            }

            var arguments = invocation.ArgumentList.Arguments;
            if (arguments.Count != parameters.Count)
            {
                return Fail(invocation, "pass every argument of a Math call explicitly (no optional arguments)");
            }

            var lowered = new List<ScalarExpr>();
            foreach (var argument in arguments)
            {
                if (!argument.RefKindKeyword.IsKind(SyntaxKind.None) || argument.NameColon is not null)
                {
                    return Fail(argument, "pass Math arguments by value and position");
                }

                lowered.Add(Visit(argument.Expression));
            }

            return new CallExpr(library, method.Name, parameters.ToEquatableArray(), lowered.ToEquatableArray());
        }

        /// <summary>Built-in operators only: an operator declared by a user type would be user code.</summary>
        private bool IsBuiltIn(ExpressionSyntax node) =>
            _model.GetSymbolInfo(node, _cancellationToken).Symbol is not IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator }
            && TypeOf(_model.GetTypeInfo(node, _cancellationToken).Type) is { EnumType: null };

        private string Reason(ExpressionSyntax node) => node switch
        {
            ThisExpressionSyntax or BaseExpressionSyntax =>
                "a lambda cannot use 'this' or 'base': the kernel has no instance, only the lambda's parameters and constants",
            IdentifierNameSyntax or MemberAccessExpressionSyntax =>
                "a lambda may use only its parameters and compile-time constants (captured variables, fields and properties cannot be inlined)",
            InvocationExpressionSyntax => "only System.Math and System.MathF methods can be called from a lambda",
            CastExpressionSyntax => "casts are allowed to numeric types only",
            _ => "lambdas may use arithmetic, comparisons, conditionals, casts to numeric types and Math/MathF calls",
        };

        private static UnaryOperator? Unary(SyntaxKind kind) => kind switch
        {
            SyntaxKind.UnaryMinusExpression => UnaryOperator.Negate,
            SyntaxKind.UnaryPlusExpression => UnaryOperator.Plus,
            SyntaxKind.LogicalNotExpression => UnaryOperator.Not,
            SyntaxKind.BitwiseNotExpression => UnaryOperator.Complement,
            _ => null,
        };

        private static BinaryOperator? Binary(SyntaxKind kind) => kind switch
        {
            SyntaxKind.AddExpression => BinaryOperator.Add,
            SyntaxKind.SubtractExpression => BinaryOperator.Subtract,
            SyntaxKind.MultiplyExpression => BinaryOperator.Multiply,
            SyntaxKind.DivideExpression => BinaryOperator.Divide,
            SyntaxKind.ModuloExpression => BinaryOperator.Modulo,
            SyntaxKind.LessThanExpression => BinaryOperator.Less,
            SyntaxKind.LessThanOrEqualExpression => BinaryOperator.LessOrEqual,
            SyntaxKind.GreaterThanExpression => BinaryOperator.Greater,
            SyntaxKind.GreaterThanOrEqualExpression => BinaryOperator.GreaterOrEqual,
            SyntaxKind.EqualsExpression => BinaryOperator.Equal,
            SyntaxKind.NotEqualsExpression => BinaryOperator.NotEqual,
            SyntaxKind.LogicalAndExpression => BinaryOperator.And,
            SyntaxKind.LogicalOrExpression => BinaryOperator.Or,
            SyntaxKind.BitwiseAndExpression => BinaryOperator.BitAnd,
            SyntaxKind.BitwiseOrExpression => BinaryOperator.BitOr,
            SyntaxKind.ExclusiveOrExpression => BinaryOperator.BitXor,
            SyntaxKind.LeftShiftExpression => BinaryOperator.ShiftLeft,
            SyntaxKind.RightShiftExpression => BinaryOperator.ShiftRight,
            _ => null,
        };

        private static MathLibrary? Library(INamedTypeSymbol type) =>
            type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true }
                ? type.Name switch { "Math" => MathLibrary.Math, "MathF" => MathLibrary.MathF, _ => null }
                : null;

        /// <summary>The scalar type of a primitive numeric, bool or enum type; null for anything else.</summary>
        private static ScalarType? TypeOf(ITypeSymbol? type)
        {
            if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying } enumType)
            {
                return Kind(underlying.SpecialType) is { } kind
                    ? new ScalarType(kind, enumType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))
                    : null;
            }

            return type is null ? null : Kind(type.SpecialType) is { } primitive ? new ScalarType(primitive) : null;
        }

        private static ScalarKind? Kind(SpecialType type) => type switch
        {
            SpecialType.System_Boolean => ScalarKind.Bool,
            SpecialType.System_SByte => ScalarKind.SByte,
            SpecialType.System_Byte => ScalarKind.Byte,
            SpecialType.System_Int16 => ScalarKind.Int16,
            SpecialType.System_UInt16 => ScalarKind.UInt16,
            SpecialType.System_Int32 => ScalarKind.Int32,
            SpecialType.System_UInt32 => ScalarKind.UInt32,
            SpecialType.System_Int64 => ScalarKind.Int64,
            SpecialType.System_UInt64 => ScalarKind.UInt64,
            SpecialType.System_Single => ScalarKind.Single,
            SpecialType.System_Double => ScalarKind.Double,
            _ => null,
        };

        /// <summary>
        /// A compile-time constant with the type C# gave it (after any implicit conversion the context applied is left
        /// to the printed context, exactly as in the source), or null when the node is not constant.
        /// </summary>
        private ScalarExpr? Constant(ExpressionSyntax node)
        {
            var constant = _model.GetConstantValue(node, _cancellationToken);
            if (!constant.HasValue || constant.Value is null)
            {
                return null;
            }

            if (TypeOf(_model.GetTypeInfo(node, _cancellationToken).Type) is not { } type)
            {
                return Fail(node, $"a constant of type {_model.GetTypeInfo(node, _cancellationToken).Type?.ToDisplayString() ?? constant.Value.GetType().Name} cannot be inlined; use a numeric constant");
            }

            var text = constant.Value switch
            {
                bool b => b ? "true" : "false",
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => null,
            };
            return text is null ? Fail(node, "this constant cannot be inlined") : new ConstantExpr(type, text);
        }

        private ScalarExpr Fail(SyntaxNode node, string reason)
        {
            _failed = true;
            _diagnostics.Add(Diagnose.LambdaConstruct(SourceSpans.Of(node), node.ToString(), reason));
            return new ConstantExpr(ScalarType.Int32, "0");
        }
    }
}
