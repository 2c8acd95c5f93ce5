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

namespace TensorDsl.FrontEnd.Parsing;

/// <summary>
/// Walks the attention expression — <c>Softmax(scores[, sinks]).MatMul(v)</c> over
/// <c>scores := q.MatMul(k.T) | scores * c | c * scores | scores + mask | scores + bias | scores + Alibi(s)
/// | Softcap(scores, c) | ScoreMod(scores, λ) | (scores)</c> — and records roles, score steps and masks.
/// Anything else is reported where it stands.
/// </summary>
internal sealed class ExpressionParser
{
    private readonly SemanticModel _model;
    private readonly ImmutableArray<IParameterSymbol> _parameters;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<IParameterSymbol, OperandRole> _roles = new(SymbolEqualityComparer.Default);
    private bool _failed;

    public ExpressionParser(
        SemanticModel model, ImmutableArray<IParameterSymbol> parameters, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        _model = model;
        _parameters = parameters;
        _diagnostics = diagnostics;
        _cancellationToken = cancellationToken;
    }

    public List<ScoreStepModel> Steps { get; } = new();

    public List<MaskModel> Masks { get; } = new();

    public string? Sinks { get; private set; }

    /// <summary>Where <c>q.MatMul(k.T)</c> stands, for diagnostics about the query and keys as a pair.</summary>
    public SourceSpan? ScoresLocation { get; private set; }

    public OperandRole RoleOf(IParameterSymbol parameter) =>
        _roles.TryGetValue(parameter, out var role) ? role : OperandRole.Unused;

    /// <summary>Parses the whole expression; false when something was reported.</summary>
    public bool Parse(ExpressionSyntax expression)
    {
        ParseAttention(Unwrap(expression));
        return !_failed;
    }

    private void ParseAttention(ExpressionSyntax expression)
    {
        if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access, ArgumentList.Arguments.Count: 1 } invocation
            && DslSymbols.IsDslMethod(Symbol(invocation), "Probabilities", "MatMul"))
        {
            ParseSoftmax(Unwrap(access.Expression));
            Operand(invocation.ArgumentList.Arguments[0].Expression, OperandRole.Value);
            return;
        }

        Unsupported(expression, "an attention expression has the form Softmax(scores).MatMul(v)");
    }

    private void ParseSoftmax(ExpressionSyntax expression)
    {
        if (expression is InvocationExpressionSyntax unbound && Symbol(unbound) is null
            && _model.GetSymbolInfo(unbound, _cancellationToken).CandidateSymbols is { Length: > 0 } candidates
            && candidates.All(c => DslSymbols.IsDslMethod(c, "Dsl", "Softmax")))
        {
            // A Softmax call the compiler could not bind (it reports why, usually an error inside the scores): look
            // inside the scores for constructs outside the grammar rather than flag the call itself.
            _failed = true;
            if (unbound.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon is null || a.NameColon.Name.Identifier.Text == "scores") is { } scores)
            {
                ParseScores(Unwrap(scores.Expression));
            }

            return;
        }

        if (expression is not InvocationExpressionSyntax invocation
            || Symbol(invocation) is not IMethodSymbol method
            || !DslSymbols.IsDslMethod(method, "Dsl", "Softmax"))
        {
            Unsupported(expression, "the probabilities must be Softmax(scores) or Softmax(scores, sinks)");
            return;
        }

        foreach (var (argument, parameter) in Arguments(invocation, method))
        {
            switch (parameter)
            {
                case "scores":
                    ParseScores(Unwrap(argument.Expression));
                    break;
                case "sinks":
                    Sinks = Operand(argument.Expression, OperandRole.Sinks);
                    break;
                case "axis":
                    if (Constant(argument.Expression) is not int axis)
                    {
                        NotConstant(argument.Expression, "softmax axis", "a compile-time constant (-1 or 3)");
                    }
                    else if (axis is not (-1 or 3))
                    {
                        Add(Diagnose.SoftmaxAxis(SourceSpans.Of(argument.Expression), axis));
                    }

                    break;
            }
        }
    }

    private void ParseScores(ExpressionSyntax expression)
    {
        expression = Unwrap(expression);
        switch (expression)
        {
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access, ArgumentList.Arguments.Count: 1 } invocation
                when IsDslMethod(invocation, "AttentionTensor`1", "MatMul"):
                ScoresLocation = SourceSpans.Of(invocation);
                Operand(access.Expression, OperandRole.Query);
                var keys = invocation.ArgumentList.Arguments[0];
                if (Unwrap(keys.Expression) is MemberAccessExpressionSyntax { Name.Identifier.Text: "T" } transposed
                    && _model.GetSymbolInfo(transposed, _cancellationToken).Symbol is IPropertySymbol { ContainingType: var owner } && DslSymbols.IsDslType(owner, "AttentionTensor`1"))
                {
                    Operand(transposed.Expression, OperandRole.Key);
                }
                else
                {
                    Unsupported(keys.Expression, "the keys must be written k.T");
                }

                return;

            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.MultiplyExpression) && IsScoresOperator(binary):
                var scoresOnLeft = IsScores(binary.Left);
                ParseScores(scoresOnLeft ? binary.Left : binary.Right);
                var factor = scoresOnLeft ? binary.Right : binary.Left;
                if (FloatConstant(factor) is { } scale)
                {
                    // A NaN or infinite scale (float.NaN, Rsqrt(0), 1e300 cast to float) turns every output into NaN.
                    if (float.IsNaN(scale) || float.IsInfinity(scale))
                    {
                        OutOfRange(factor, "scale", "a finite compile-time constant", Show(scale));
                    }
                    else
                    {
                        Steps.Add(new ScaleStepModel(scale));
                    }
                }
                else
                {
                    NotConstant(factor, "scale", "a compile-time constant (a literal, a const, or Rsqrt of one)");
                }

                return;

            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression) && IsScores(binary.Left):
                ParseScores(binary.Left);
                ParseAddend(Unwrap(binary.Right));
                return;

            case InvocationExpressionSyntax invocation when IsDslMethod(invocation, "Dsl", "Softcap"):
                var (capped, capArgument) = ScoresAndOperand(invocation, "cap");
                ParseScores(capped);
                if (FloatConstant(capArgument) is not { } cap)
                {
                    NotConstant(capArgument, "softcap", "a finite compile-time constant > 0");
                }
                else if (!(cap > 0) || float.IsInfinity(cap))
                {
                    // NaN fails 'cap > 0'; an infinite cap makes tanh(s / cap) * cap = 0 · ∞ = NaN for every score.
                    OutOfRange(capArgument, "softcap", "a finite compile-time constant > 0", Show(cap));
                }
                else
                {
                    Steps.Add(new SoftcapStepModel(cap));
                }

                return;

            case InvocationExpressionSyntax invocation when IsDslMethod(invocation, "Dsl", "ScoreMod"):
                var (modified, modifierArgument) = ScoresAndOperand(invocation, "modifier");
                ParseScores(modified);
                if (Lambda(modifierArgument) is { } modifier)
                {
                    Steps.Add(new ModifierStepModel(modifier));
                }

                return;

            default:
                Unsupported(expression, "scores are built from q.MatMul(k.T) with *, +, Softcap and ScoreMod");
                return;
        }
    }

    /// <summary>The 'scores' argument and the other one of a bound two-parameter DSL call, whatever order they are written in.</summary>
    private (ExpressionSyntax Scores, ExpressionSyntax Other) ScoresAndOperand(InvocationExpressionSyntax invocation, string other)
    {
        var arguments = invocation.ArgumentList.Arguments;
        var scores = arguments[0].Expression;
        var operand = arguments[1].Expression;
        if (Symbol(invocation) is IMethodSymbol method)
        {
            foreach (var (argument, parameter) in Arguments(invocation, method))
            {
                if (parameter == "scores") scores = argument.Expression;
                else if (parameter == other) operand = argument.Expression;
            }
        }

        return (scores, operand);
    }

    private void ParseAddend(ExpressionSyntax addend)
    {
        var type = _model.GetTypeInfo(addend, _cancellationToken).Type;
        if (DslSymbols.IsDslType(type, "Bias`1"))
        {
            Steps.Add(new BiasStepModel(Operand(addend, OperandRole.Bias) ?? string.Empty));
        }
        else if (addend is InvocationExpressionSyntax alibi && IsDslMethod(alibi, "Dsl", "Alibi"))
        {
            Steps.Add(new AlibiStepModel(Operand(alibi.ArgumentList.Arguments[0].Expression, OperandRole.AlibiSlopes) ?? string.Empty));
        }
        else if (addend is InvocationExpressionSyntax mask && DslSymbols.IsDslType(type, "Mask"))
        {
            ParseMask(mask);
        }
        else
        {
            Unsupported(addend, "add a mask (Causal(), SlidingWindow(l, r), ChunkedLocal(c), Mask(λ)), a Bias<T> parameter or Alibi(slopes)");
        }
    }

    private void ParseMask(InvocationExpressionSyntax invocation)
    {
        var arguments = invocation.ArgumentList.Arguments;
        if (IsDslMethod(invocation, "Dsl", "Causal"))
        {
            Masks.Add(new CausalMaskModel());
        }
        else if (IsDslMethod(invocation, "Dsl", "SlidingWindow") && Symbol(invocation) is IMethodSymbol window)
        {
            int? left = null, right = 0;
            foreach (var (argument, parameter) in Arguments(invocation, window))
            {
                var size = NonNegativeInt(argument.Expression, "window size");
                if (parameter == "left") left = size;
                else right = size;
            }

            if (left is { } l && right is { } r)
            {
                Masks.Add(new WindowMaskModel(l, r));
            }
        }
        else if (IsDslMethod(invocation, "Dsl", "ChunkedLocal") && arguments.Count == 1)
        {
            if (PositiveInt(arguments[0].Expression, "chunk size") is { } size)
            {
                Masks.Add(new ChunkedMaskModel(size));
            }
        }
        else if (IsDslMethod(invocation, "Dsl", "Mask") && arguments.Count == 1)
        {
            if (Lambda(arguments[0].Expression) is { } predicate)
            {
                Masks.Add(new PredicateMaskModel(predicate));
            }
        }
        else if (Symbol(invocation) is null && UnboundDslCall(invocation, "Mask") && arguments.Count == 1)
        {
            // Mask(λ) the compiler could not bind, usually because of an error inside the lambda (e.g. 'this' in a
            // static method): the lambda's own problems are TDSL0016, never "masks are …".
            _failed = true;
            if (Unwrap(arguments[0].Expression) is LambdaExpressionSyntax lambda)
            {
                LambdaLowering.Lower(lambda, _model, _diagnostics, _cancellationToken);
            }
        }
        else
        {
            Unsupported(invocation, "masks are Causal(), SlidingWindow(left, right), ChunkedLocal(size) or Mask(λ)");
        }
    }

    private LoweredLambda? Lambda(ExpressionSyntax expression)
    {
        if (Unwrap(expression) is not LambdaExpressionSyntax lambda)
        {
            Unsupported(expression, "write the mask or score modifier as a lambda, so it can be inlined");
            return null;
        }

        var lowered = LambdaLowering.Lower(lambda, _model, _diagnostics, _cancellationToken);
        _failed |= lowered is null;
        return lowered;
    }

    private string? Operand(ExpressionSyntax expression, OperandRole role)
    {
        expression = Unwrap(expression);
        if (_model.GetSymbolInfo(expression, _cancellationToken).Symbol is IParameterSymbol parameter
            && _parameters.Any(p => SymbolEqualityComparer.Default.Equals(p, parameter)))
        {
            if (_roles.TryGetValue(parameter, out var existing) && existing != role)
            {
                Add(Diagnose.ParameterInTwoRoles(SourceSpans.Of(expression), parameter.Name, existing, role));
                return null;
            }

            _roles[parameter] = role;
            return parameter.Name;
        }

        Unsupported(expression, $"the {Diagnose.RoleName(role)} must be a parameter of the kernel method");
        return null;
    }

    private int? NonNegativeInt(ExpressionSyntax expression, string what) => IntAtLeast(expression, what, 0, "a compile-time constant ≥ 0");

    private int? PositiveInt(ExpressionSyntax expression, string what) => IntAtLeast(expression, what, 1, "a compile-time constant > 0");

    private int? IntAtLeast(ExpressionSyntax expression, string what, int minimum, string requirement)
    {
        // Any integral constant C# converts to the int parameter (a const byte, short, char …) is a size; the value is
        // what counts, not the declared type (the same rule as shape dimensions).
        var constant = Constant(expression);
        switch (constant)
        {
            case sbyte or byte or short or ushort or int or uint or long or ulong or char:
                var value = constant is char c ? c : Convert.ToDecimal(constant, System.Globalization.CultureInfo.InvariantCulture);
                if (value >= minimum && value <= int.MaxValue)
                {
                    return (int)value;
                }

                OutOfRange(expression, what, requirement, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return null;
            default:
                NotConstant(expression, what, requirement);
                return null;
        }
    }

    /// <summary>TDSL0026 for an argument that is not a constant, saying what it is instead where that is known.</summary>
    private void NotConstant(ExpressionSyntax expression, string what, string requirement)
    {
        var symbol = Symbol(Unwrap(expression));
        var actual = symbol switch
        {
            IFieldSymbol { IsConst: true } field => $"is a const {field.Type.ToDisplayString()}",
            IFieldSymbol { IsStatic: true, IsReadOnly: true } => "is a static readonly field, not a const",
            IFieldSymbol { IsStatic: true } => "is a static field, not a const",
            IFieldSymbol or IPropertySymbol or ILocalSymbol or IParameterSymbol => $"is a {Kind(symbol)}, not a const",
            _ => "is not a compile-time constant",
        };
        Add(Diagnose.ArgumentNotConstant(SourceSpans.Of(expression), what, requirement, Truncate(expression.ToString()), actual));
    }

    private void OutOfRange(ExpressionSyntax expression, string what, string requirement, string value) =>
        Add(Diagnose.ArgumentNotConstant(SourceSpans.Of(expression), what, requirement, Truncate(expression.ToString()), "is " + value));

    /// <summary>A float as a message shows it: NaN and the infinities spelled out, others round-trippable.</summary>
    private static string Show(float value) =>
        float.IsNaN(value) ? "NaN"
        : float.IsPositiveInfinity(value) ? "+∞ (as a float)"
        : float.IsNegativeInfinity(value) ? "−∞ (as a float)"
        : value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static string Kind(ISymbol symbol) => symbol switch
    {
        IFieldSymbol => "field",
        IPropertySymbol => "property",
        ILocalSymbol => "local",
        _ => "parameter",
    };

    private bool UnboundDslCall(InvocationExpressionSyntax invocation, string name) =>
        _model.GetSymbolInfo(invocation, _cancellationToken).CandidateSymbols is { Length: > 0 } candidates
        && candidates.All(c => DslSymbols.IsDslMethod(c, "Dsl", name));

    private float? FloatConstant(ExpressionSyntax expression)
    {
        expression = Unwrap(expression);
        if (expression is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } invocation
            && IsDslMethod(invocation, "Dsl", "Rsqrt")
            && Numeric(Constant(invocation.ArgumentList.Arguments[0].Expression)) is { } radicand)
        {
            // Same formula as the runtime's Dsl.Rsqrt, so the reference and the kernel use the same float.
            return (float)(1.0 / Math.Sqrt(radicand));
        }

        return Constant(expression) switch
        {
            float f => f,
            double d => (float)d,
            int i => i,
            long l => l,
            _ => null,
        };
    }

    /// <summary>
    /// A constant of a numeric type (char included: C# converts it to float implicitly) as a double; null for any
    /// other constant (a string or bool argument is a compiler error, which must not become an exception here).
    /// </summary>
    private static double? Numeric(object? constant) => constant switch
    {
        char c => c,
        sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal =>
            Convert.ToDouble(constant, System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    private object? Constant(ExpressionSyntax expression)
    {
        var constant = _model.GetConstantValue(expression, _cancellationToken);
        return constant.HasValue ? constant.Value : null;
    }

    private bool IsScores(ExpressionSyntax expression) =>
        DslSymbols.IsDslType(_model.GetTypeInfo(expression, _cancellationToken).Type, "Scores");

    private bool IsScoresOperator(BinaryExpressionSyntax binary) =>
        Symbol(binary) is IMethodSymbol { ContainingType: var owner } && DslSymbols.IsDslType(owner, "Scores");

    private bool IsDslMethod(InvocationExpressionSyntax invocation, string type, string name)
    {
        var symbol = Symbol(invocation);
        return DslSymbols.IsDslMethod(symbol is IMethodSymbol { ReducedFrom: { } reduced } ? reduced : (symbol as IMethodSymbol)?.OriginalDefinition, type, name);
    }

    private ISymbol? Symbol(SyntaxNode node) => _model.GetSymbolInfo(node, _cancellationToken).Symbol;

    /// <summary>Pairs each argument with its parameter's name, honouring named arguments.</summary>
    private static IEnumerable<(ArgumentSyntax Argument, string Parameter)> Arguments(InvocationExpressionSyntax invocation, IMethodSymbol method)
    {
        var arguments = invocation.ArgumentList.Arguments;
        for (var i = 0; i < arguments.Count; i++)
        {
            var name = arguments[i].NameColon?.Name.Identifier.Text
                ?? (i < method.Parameters.Length ? method.Parameters[i].Name : string.Empty);
            yield return (arguments[i], name);
        }
    }

    private static ExpressionSyntax Unwrap(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    private void Unsupported(SyntaxNode node, string expected) =>
        Add(Diagnose.UnsupportedConstruct(SourceSpans.Of(node), Truncate(node.ToString()), expected));

    /// <summary>Every diagnostic of the expression walk is an error: the kernel cannot be built.</summary>
    private void Add(DiagnosticInfo diagnostic)
    {
        _failed = true;
        _diagnostics.Add(diagnostic);
    }

    private static string Truncate(string text)
    {
        text = KernelParser.Normalize(text);
        return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
    }
}
