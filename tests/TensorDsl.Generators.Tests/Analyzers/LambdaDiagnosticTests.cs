using System.Threading.Tasks;
using static TensorDsl.Generators.Tests.Analyzers.KernelAnalyzerTest;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>
/// TDSL0016: mask and score lambdas are inlined into the generated kernel (docs/semantics.md#custom-mask), so they may use only their
/// parameters, constants, arithmetic, comparisons, conditionals, numeric casts and Math/MathF.
/// </summary>
public class LambdaDiagnosticTests
{
    private const string NotInlinable =
        "a lambda may use only its parameters and compile-time constants (captured variables, fields and properties cannot be inlined)";

    private const string OnlyMath = "only System.Math and System.MathF methods can be called from a lambda";

    private const string Vocabulary = "lambdas may use arithmetic, comparisons, conditionals, casts to numeric types and Math/MathF calls";

    private static Task Kernel(string expression, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Lambdas
        {
            const int Radius = 16;
            static int window = 4;
            static readonly float[] Table = { 1f, 2f };

            static bool Check(int i, int j) => i >= j;

            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => {{expression}};
        }
        """, expected);

    [Fact]
    public Task ValidLambdasAreClean() => Kernel(
        "Softmax(ScoreMod(q.MatMul(k.T), (b, h, i, j, s) => MathF.Tanh(s / 30f) * 30f - (float)Math.Log(1 + Math.Abs(i - j))) " +
        "+ Mask((b, h, i, j) => Math.Abs(i - j) <= Radius || (h % 2 == 0 ? i >= j : i - j < 2 * Radius))).MatMul(v)");

    [Fact]
    public Task CapturedVariable() => Kernel(
        "Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => i >= j && {|#0:q|} == {|#1:k|})).MatMul(v)",
        LambdaError(0, "q", NotInlinable),
        LambdaError(1, "k", NotInlinable));

    [Fact]
    public Task FieldAccess() => Kernel(
        "Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => i - j < {|#0:window|})).MatMul(v)",
        LambdaError(0, "window", NotInlinable));

    [Fact]
    public Task MemberAccessOnAField() => Kernel(
        "Softmax(ScoreMod(q.MatMul(k.T), (b, h, i, j, s) => s + {|#0:Table.Length|})).MatMul(v)",
        LambdaError(0, "Table.Length", NotInlinable));

    [Fact]
    public Task NonMathMethodCall() => Kernel(
        "Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => {|#0:Check(i, j)|})).MatMul(v)",
        LambdaError(0, "Check(i, j)", OnlyMath));

    [Fact]
    public Task BlockBody() => Kernel(
        "Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => {|#0:{ return i >= j; }|})).MatMul(v)",
        LambdaError(0, "{ ... }", "use an expression body (=> expression)"));

    [Fact]
    public Task NewExpression() => Kernel(
        "Softmax(ScoreMod(q.MatMul(k.T), (b, h, i, j, s) => s * (float){|#0:new decimal(2)|})).MatMul(v)",
        LambdaError(0, "new decimal(2)", Vocabulary));

    [Fact]
    public Task Strings() => Kernel(
        "Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => {|#0:i.ToString()|} == {|#1:\"3\"|})).MatMul(v)",
        LambdaError(0, "i.ToString()", OnlyMath),
        LambdaError(1, "\"3\"", "a constant of type string cannot be inlined; use a numeric constant"));

    [Fact]
    public Task MathWithNamedArguments() => Kernel(
        "Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => Math.Max({|#0:val1: i|}, j) > 0)).MatMul(v)",
        LambdaError(0, "val1: i", "pass Math arguments by value and position"));

    [Fact]
    public Task NestedLambda() => Kernel(
        "Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => {|#0:((Func<int, bool>)(x => x > j))(i)|})).MatMul(v)",
        LambdaError(0, "((Func<int, bool>)(x => x > j))(i)", OnlyMath));

    [Fact]
    public Task SeveralProblemsAreAllReported() => Kernel(
        "Softmax(ScoreMod(q.MatMul(k.T), (b, h, i, j, s) => s + {|#0:window|}) + Mask((b, h, i, j) => {|#1:Check(i, j)|})).MatMul(v)",
        LambdaError(0, "window", NotInlinable),
        LambdaError(1, "Check(i, j)", OnlyMath));
}
