using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Parsing;

/// <summary>
/// Turns a mask or score lambda into self-contained C# for the generated kernel: parameters stay, constants
/// become literals, <c>Math</c>/<c>MathF</c> become fully qualified, and anything that could capture state,
/// allocate or call user code is reported instead. The lowered body means exactly what the lambda means, so the
/// kernel and the reference engine (which calls the lambda itself) agree.
/// </summary>
internal static class LambdaLowering
{
    public static LoweredLambda? Lower(
        LambdaExpressionSyntax lambda, SemanticModel model, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (model.GetSymbolInfo(lambda, cancellationToken).Symbol is not IMethodSymbol method)
        {
            return null;
        }

        if (lambda.ExpressionBody is not { } body)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticCatalog.LambdaConstruct, SourceSpans.Of(lambda.Body), "{ ... }", "use an expression body (=> expression)"));
            return null;
        }

        var rewriter = new Writer(model, method, diagnostics, cancellationToken);
        var text = rewriter.Write(body);
        return text is null
            ? null
            : new LoweredLambda(method.Parameters.Select(ParameterName).ToEquatableArray(), text);
    }

    /// <summary>
    /// The name the inlined lambda's parameter gets. Discards (<c>(_, _, i, j) =&gt; …</c>) cannot be referenced, but
    /// several of them would be duplicate parameter names in the generated method, so each gets a name of its own.
    /// </summary>
    private static string ParameterName(IParameterSymbol parameter) =>
        parameter.IsDiscard ? "__discard" + parameter.Ordinal.ToString(CultureInfo.InvariantCulture) : parameter.Name;

    private sealed class Writer
    {
        private readonly SemanticModel model;
        private readonly IMethodSymbol lambda;
        private readonly List<DiagnosticInfo> diagnostics;
        private readonly CancellationToken cancellationToken;
        private bool failed;

        public Writer(SemanticModel model, IMethodSymbol lambda, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            this.model = model;
            this.lambda = lambda;
            this.diagnostics = diagnostics;
            this.cancellationToken = cancellationToken;
        }

        public string? Write(ExpressionSyntax body)
        {
            var builder = new StringBuilder();
            Emit(body, builder);
            return failed ? null : builder.ToString();
        }

        private void Emit(ExpressionSyntax node, StringBuilder output)
        {
            if (node is not LiteralExpressionSyntax && ConstantLiteral(node) is { } folded)
            {
                output.Append(folded);
                return;
            }

            switch (node)
            {
                case LiteralExpressionSyntax literal when ConstantLiteral(literal) is { } text:
                    output.Append(text);
                    return;

                case IdentifierNameSyntax identifier
                    when model.GetSymbolInfo(identifier, cancellationToken).Symbol is IParameterSymbol parameter
                         && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, lambda):
                    output.Append('@').Append(parameter.Name);
                    return;

                case ParenthesizedExpressionSyntax parenthesized:
                    output.Append('(');
                    Emit(parenthesized.Expression, output);
                    output.Append(')');
                    return;

                case PrefixUnaryExpressionSyntax unary when unary.Kind() is SyntaxKind.UnaryMinusExpression
                    or SyntaxKind.UnaryPlusExpression or SyntaxKind.LogicalNotExpression or SyntaxKind.BitwiseNotExpression:
                    output.Append(unary.OperatorToken.Text).Append('(');
                    Emit(unary.Operand, output);
                    output.Append(')');
                    return;

                case BinaryExpressionSyntax binary when IsAllowedBinary(binary):
                    output.Append('(');
                    Emit(binary.Left, output);
                    output.Append(' ').Append(binary.OperatorToken.Text).Append(' ');
                    Emit(binary.Right, output);
                    output.Append(')');
                    return;

                case ConditionalExpressionSyntax conditional:
                    output.Append('(');
                    Emit(conditional.Condition, output);
                    output.Append(" ? ");
                    Emit(conditional.WhenTrue, output);
                    output.Append(" : ");
                    Emit(conditional.WhenFalse, output);
                    output.Append(')');
                    return;

                case CastExpressionSyntax cast when model.GetTypeInfo(cast.Type, cancellationToken).Type is { } target && IsNumeric(target):
                    output.Append("((").Append(target.ToDisplayString()).Append(")(");
                    Emit(cast.Expression, output);
                    output.Append("))");
                    return;

                case InvocationExpressionSyntax invocation
                    when model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { IsStatic: true } method
                         && IsMath(method.ContainingType):
                    output.Append("global::System.").Append(method.ContainingType.Name).Append('.').Append(method.Name).Append('(');
                    var first = true;
                    foreach (var argument in invocation.ArgumentList.Arguments)
                    {
                        if (argument.RefKindKeyword.IsKind(SyntaxKind.None) is false || argument.NameColon is not null)
                        {
                            Fail(argument, "pass Math arguments by value and position");
                            return;
                        }

                        if (!first) output.Append(", ");
                        first = false;
                        Emit(argument.Expression, output);
                    }

                    output.Append(')');
                    return;

                default:
                    Fail(node, Reason(node));
                    return;
            }
        }

        private string Reason(ExpressionSyntax node) => node switch
        {
            IdentifierNameSyntax or MemberAccessExpressionSyntax =>
                "a lambda may use only its parameters and compile-time constants (captured variables, fields and properties cannot be inlined)",
            InvocationExpressionSyntax => "only System.Math and System.MathF methods can be called from a lambda",
            _ => "lambdas may use arithmetic, comparisons, conditionals, casts to numeric types and Math/MathF calls",
        };

        private static bool IsAllowedBinary(BinaryExpressionSyntax binary) => binary.Kind() is
            SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression
            or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression or SyntaxKind.LessThanExpression
            or SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanExpression
            or SyntaxKind.GreaterThanOrEqualExpression or SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression
            or SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression or SyntaxKind.BitwiseAndExpression
            or SyntaxKind.BitwiseOrExpression or SyntaxKind.ExclusiveOrExpression or SyntaxKind.LeftShiftExpression
            or SyntaxKind.RightShiftExpression;

        private static bool IsMath(INamedTypeSymbol type) =>
            type.Name is "Math" or "MathF" && type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };

        private static bool IsNumeric(ITypeSymbol type) => type.SpecialType is
            SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Single or SpecialType.System_Double
            or SpecialType.System_Boolean or SpecialType.System_Int16 or SpecialType.System_UInt32 or SpecialType.System_UInt64;

        /// <summary>The constant's C# literal (with its type kept), or null when the node is not constant.</summary>
        private string? ConstantLiteral(ExpressionSyntax node)
        {
            var constant = model.GetConstantValue(node, cancellationToken);
            if (!constant.HasValue)
            {
                return null;
            }

            return constant.Value switch
            {
                bool b => b ? "true" : "false",
                int i => i.ToString(CultureInfo.InvariantCulture),
                long l => l.ToString(CultureInfo.InvariantCulture) + "L",
                uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
                float f => FloatLiteral(f),
                double d => DoubleLiteral(d),
                short s => "((short)" + s.ToString(CultureInfo.InvariantCulture) + ")",
                _ => null,
            };
        }

        private static string FloatLiteral(float value) =>
            float.IsNaN(value) ? "float.NaN"
            : float.IsPositiveInfinity(value) ? "float.PositiveInfinity"
            : float.IsNegativeInfinity(value) ? "float.NegativeInfinity"
            : "(" + value.ToString("R", CultureInfo.InvariantCulture) + "f)";

        private static string DoubleLiteral(double value) =>
            double.IsNaN(value) ? "double.NaN"
            : double.IsPositiveInfinity(value) ? "double.PositiveInfinity"
            : double.IsNegativeInfinity(value) ? "double.NegativeInfinity"
            : "(" + value.ToString("R", CultureInfo.InvariantCulture) + "d)";

        private void Fail(SyntaxNode node, string reason)
        {
            failed = true;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticCatalog.LambdaConstruct, SourceSpans.Of(node), node.ToString(), reason));
        }
    }
}
