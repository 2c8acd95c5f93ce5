using System.Collections.Generic;
using System.Linq;

namespace TensorDsl.Generators.Tests.Robustness;

/// <summary>
/// Broken or half-typed kernel declarations, as an editor sees them while someone types. Every one is wrong (the C#
/// compiler or the analyzer must say so), and none may crash the analyzer or the generator (docs/design.md#pipeline: "anything
/// outside the grammar gets a diagnostic at its exact location, never a generator crash").
/// </summary>
internal static class BrokenDeclarations
{
    public const string Usings = "using System;\nusing TensorDsl;\nusing static TensorDsl.Dsl;\n\n";

    private const string Qkv = """
        [Shape("B, 8, Sq, 64")] Bhsd<float> q, [Shape("B, 8, Sk, 64")] Bhsd<float> k, [Shape("B, 8, Sk, 64")] Bhsd<float> v
        """;

    /// <summary>A kernel class around <paramref name="members"/>.</summary>
    private static string Kernel(string members, string header = "[AttentionKernel]\npublic static partial class Broken") =>
        Usings + header + "\n{\n" + members + "\n}\n";

    /// <summary>A kernel whose one method has the standard q, k, v and the given body.</summary>
    private static string Body(string body) => Kernel($"    static Bhsd<float> Attend({Qkv}) {body}");

    public static readonly IReadOnlyDictionary<string, string> Cases = new SortedDictionary<string, string>
    {
        // Syntax errors and half-typed code.
        ["SyntaxError_UnclosedSoftmax"] = Body("=> Softmax(q.MatMul(k.T).MatMul(v);"),
        ["HalfTyped_AfterMemberAccessDot"] = Usings + "[AttentionKernel]\npublic static partial class Broken\n{\n    static Bhsd<float> Attend(" + Qkv + ") => Softmax(q.MatMul(k.",
        ["HalfTyped_ParameterList"] = Usings + "[AttentionKernel]\npublic static partial class Broken\n{\n    static Bhsd<float> Attend([Shape(\"B, 8, Sq, 64\")] Bhsd<float> q, [Shape(",
        ["HalfTyped_AttributeOnly"] = Usings + "[AttentionKernel(",
        ["HalfTyped_ClassHeader"] = Usings + "[AttentionKernel]\npublic static partial class",
        ["MissingBody"] = Body(";"),
        ["MissingExpressionAfterArrow"] = Body("=> ;"),
        ["SoftmaxWithNoArguments"] = Body("=> Softmax().MatMul(v);"),
        ["MatMulWithNoArguments"] = Body("=> Softmax(q.MatMul()).MatMul(v);"),
        ["ValueMatMulWithNoArguments"] = Body("=> Softmax(q.MatMul(k.T)).MatMul();"),
        ["SoftcapMissingCap"] = Body("=> Softmax(Softcap(q.MatMul(k.T))).MatMul(v);"),
        ["SoftcapEmptySecondArgument"] = Body("=> Softmax(Softcap(q.MatMul(k.T), )).MatMul(v);"),
        ["ScoreModMissingLambda"] = Body("=> Softmax(ScoreMod(q.MatMul(k.T))).MatMul(v);"),
        ["SlidingWindowMissingLeft"] = Body("=> Softmax(q.MatMul(k.T) + SlidingWindow(right: 4)).MatMul(v);"),
        ["AlibiWithoutSlopes"] = Body("=> Softmax(q.MatMul(k.T) + Alibi()).MatMul(v);"),
        ["SoftmaxOfAMask"] = Body("=> Softmax(Causal()).MatMul(v);"),
        ["MatMulOnTheResult"] = Body("=> Softmax(q.MatMul(k.T)).MatMul(v).MatMul(v);"),

        // Unknown names and wrong types.
        ["UnknownIdentifier"] = Body("=> Softmax(q.MatMul(kk.T)).MatMul(v);"),
        ["UnknownMethod"] = Body("=> Softmax(q.MatMul(k.T) + Causual()).MatMul(v);"),
        ["UnknownElementType"] = Kernel("    static Bhsd<flaot> Attend([Shape(\"B, 8, S, 64\")] Bhsd<flaot> q, [Shape(\"B, 8, S, 64\")] Bhsd<flaot> k, [Shape(\"B, 8, S, 64\")] Bhsd<flaot> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["WrongParameterType"] = Kernel("    static Bhsd<float> Attend(int q, [Shape(\"B, 8, S, 64\")] Bhsd<float> k, [Shape(\"B, 8, S, 64\")] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["WrongReturnType"] = Kernel($"    static int Attend({Qkv}) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["StringElementType"] = Kernel("    static Bhsd<string> Attend([Shape(\"B, 8, S, 64\")] Bhsd<string> q, [Shape(\"B, 8, S, 64\")] Bhsd<string> k, [Shape(\"B, 8, S, 64\")] Bhsd<string> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["OutParameter"] = Kernel($"    static Bhsd<float> Attend({Qkv}, out Bhsd<float> extra) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ParamsArrayParameter"] = Kernel($"    static Bhsd<float> Attend({Qkv}, params Bhsd<float>[] more) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["DefaultOperand"] = Body("=> Softmax(q.MatMul(k.T)).MatMul(default(Bhsd<float>)!);"),
        ["NullConditionalQuery"] = Body("=> Softmax(q?.MatMul(k.T)!).MatMul(v);"),
        ["ThrowExpression"] = Body("=> throw new InvalidOperationException();"),

        // Declarations the attribute does not fit.
        ["EmptyClass"] = Kernel(string.Empty),
        ["AttributeOnStruct"] = Kernel($"    static Bhsd<float> Attend({Qkv}) => Softmax(q.MatMul(k.T)).MatMul(v);", "[AttentionKernel]\npublic partial struct Broken"),
        ["AttributeOnInterface"] = Kernel($"    static Bhsd<float> Attend({Qkv}) => Softmax(q.MatMul(k.T)).MatMul(v);", "[AttentionKernel]\npublic partial interface Broken"),
        ["AttributeOnEnum"] = Usings + "[AttentionKernel]\npublic enum Broken { A, B }\n",
        ["AttributeOnMethod"] = Kernel($"    [AttentionKernel] static Bhsd<float> Attend({Qkv}) => Softmax(q.MatMul(k.T)).MatMul(v);", "public static partial class Broken"),
        ["AttributeTwice"] = Kernel($"    static Bhsd<float> Attend({Qkv}) => Softmax(q.MatMul(k.T)).MatMul(v);", "[AttentionKernel, AttentionKernel]\npublic static partial class Broken"),
        ["AttributeWithStringArgument"] = Kernel($"    static Bhsd<float> Attend({Qkv}) => Softmax(q.MatMul(k.T)).MatMul(v);", "[AttentionKernel(\"cpu\")]\npublic static partial class Broken"),
        ["AttributeWithNonConstantTargets"] = Kernel($"    static Targets Chosen = Targets.Cpu;\n    static Bhsd<float> Attend({Qkv}) => Softmax(q.MatMul(k.T)).MatMul(v);", "[AttentionKernel(Chosen)]\npublic static partial class Broken"),
        ["RecordKernel"] = Kernel($"    static Bhsd<float> Attend({Qkv}) => Softmax(q.MatMul(k.T)).MatMul(v);", "[AttentionKernel]\npublic partial record Broken"),
        ["GenericKernelClass"] = Kernel($"    static Bhsd<float> Attend({Qkv}) => Softmax(q.MatMul(k.T)).MatMul(v);", "[AttentionKernel]\npublic static partial class Broken<T>"),
        ["GenericExpressionMethod"] = Kernel("    static Bhsd<T> Attend<T>([Shape(\"B, 8, S, 64\")] Bhsd<T> q, [Shape(\"B, 8, S, 64\")] Bhsd<T> k, [Shape(\"B, 8, S, 64\")] Bhsd<T> v) where T : unmanaged => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ExpressionBodiedProperty"] = Kernel("    static Bhsd<float> Attend => null!;"),
        ["ExternMethod"] = Kernel($"    static extern Bhsd<float> Attend({Qkv});"),
        ["PartialMethodWithoutImplementation"] = Kernel($"    static partial Bhsd<float> Attend({Qkv});"),
        ["TwoStatementBody"] = Body("{ var s = q.MatMul(k.T); return Softmax(s).MatMul(v); }"),

        // Recursion and self-reference.
        ["DirectRecursion"] = Body("=> Attend(q, k, v);"),
        ["RecursionThroughAHelper"] = Kernel($"    static Bhsd<float> Attend({Qkv}) => Helper(q, k, v);\n    static Bhsd<float> Helper({Qkv}) => Attend(q, k, v);"),
        ["ScoresFromARecursiveHelper"] = Kernel($"    static Scores S(Bhsd<float> q, Bhsd<float> k) => S(q, k);\n    static Bhsd<float> Attend({Qkv}) => Softmax(S(q, k)).MatMul(v);"),

        // Lambdas.
        ["MaskLambdaWithTwoParameters"] = Body("=> Softmax(q.MatMul(k.T) + Mask((b, h) => true)).MatMul(v);"),
        ["ScoreModLambdaWithFourParameters"] = Body("=> Softmax(ScoreMod(q.MatMul(k.T), (b, h, i, j) => 1f)).MatMul(v);"),
        ["MaskLambdaReturningInt"] = Body("=> Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => i - j)).MatMul(v);"),
        ["MaskLambdaWithUnknownName"] = Body("=> Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => i >= jj)).MatMul(v);"),
        ["MaskLambdaHalfTyped"] = Body("=> Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => i >=)).MatMul(v);"),
        ["MaskLambdaCallingItself"] = Kernel($"    static MaskPredicate M = (b, h, i, j) => M(b, h, i, j);\n    static Bhsd<float> Attend({Qkv}) => Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => M(b, h, i, j))).MatMul(v);"),
        ["AsyncLambda"] = Body("=> Softmax(q.MatMul(k.T) + Mask(async (b, h, i, j) => i >= j)).MatMul(v);"),
        ["LambdaWithOutArgument"] = Body("=> Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => Math.DivRem(i, 4, out var r) > j)).MatMul(v);"),
        ["LambdaWithCheckedAndCharLiterals"] = Body("=> Softmax(ScoreMod(q.MatMul(k.T), (b, h, i, j, s) => checked(s + 'a') + 1UL + 2m)).MatMul(v);"),

        // Shapes.
        ["ShapeWithNonConstantString"] = Kernel("    static readonly string Dims = \"B, 8, S, 64\";\n    static Bhsd<float> Attend([Shape(Dims)] Bhsd<float> q, [Shape(Dims)] Bhsd<float> k, [Shape(Dims)] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ShapeWithoutArgument"] = Kernel("    static Bhsd<float> Attend([Shape] Bhsd<float> q, [Shape()] Bhsd<float> k, [Shape(\"B, 8, S, 64\")] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ShapeNull"] = Kernel("    static Bhsd<float> Attend([Shape(null)] Bhsd<float> q, [Shape(\"B, 8, S, 64\")] Bhsd<float> k, [Shape(\"B, 8, S, 64\")] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ShapeEmpty"] = Kernel("    static Bhsd<float> Attend([Shape(\"\")] Bhsd<float> q, [Shape(\" \")] Bhsd<float> k, [Shape(\",,,\")] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ShapeWithAnInt"] = Kernel("    static Bhsd<float> Attend([Shape(64)] Bhsd<float> q, [Shape(\"B, 8, S, 64\")] Bhsd<float> k, [Shape(\"B, 8, S, 64\")] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ShapeHugeLiteral"] = Kernel("    static Bhsd<float> Attend([Shape(\"B, 8, S, 99999999999\")] Bhsd<float> q, [Shape(\"99999999999999999999999999, 8, S, 64\")] Bhsd<float> k, [Shape(\"B, 8, S, 64\")] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ShapeProductOverflowingLong"] = Kernel("    static Bhsd<float> Attend([Shape(\"B, 8, S, 2147483647*2147483647*2147483647\")] Bhsd<float> q, [Shape(\"B, 8, S, 64\")] Bhsd<float> k, [Shape(\"B, 8, S, 64\")] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ShapeHugeConstants"] = Kernel("    const long D = long.MaxValue, H = -1;\n    static Bhsd<float> Attend([Shape(\"B, H, S, D*D\")] Bhsd<float> q, [Shape(\"B, H, S, D\")] Bhsd<float> k, [Shape(\"B, H, S, D\")] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ShapeWithEscapesAndGarbage"] = Kernel("    static Bhsd<float> Attend([Shape(\"B,\\t8,\\u0000S, 64\")] Bhsd<float> q, [Shape(@\"B, 8, \"\"S, 64\")] Bhsd<float> k, [Shape(\"\"\"B, 8, , 64\"\"\")] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ShapeUnterminatedString"] = Kernel("    static Bhsd<float> Attend([Shape(\"B, 8, S, 64)] Bhsd<float> q, [Shape(\"B, 8, S, 64\")] Bhsd<float> k, [Shape(\"B, 8, S, 64\")] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["ShapeRanksAllWrong"] = Kernel("    [return: Shape(\"B\")]\n    static Bhsd<float> Attend([Shape(\"B, 8\")] Bhsd<float> q, [Shape(\"B, 8, S, 64, 1\")] Bhsd<float> k, [Shape(\"B, 8, S, 64\")] Bhsd<float> v, [Shape(\"\")] PerHead<float> sinks) => Softmax(q.MatMul(k.T), sinks).MatMul(v);"),
        ["ZeroKvHeadsAndZeroBlockSize"] = Kernel("    static Tokens<float> Attend([Shape(\"T, 8, 64\")] Tokens<float> q, [Shape(\"N, 0, 0, 64\")] Pages<float> k, [Shape(\"N, 0, 0, 64\")] Pages<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),

        // Names the generated code needs for itself.
        ["ParameterNamedOutput"] = Kernel("    static Bhsd<float> Attend([Shape(\"B, 8, Sq, 64\")] Bhsd<float> output, [Shape(\"B, 8, Sk, 64\")] Bhsd<float> k, [Shape(\"B, 8, Sk, 64\")] Bhsd<float> lse) => Softmax(output.MatMul(k.T)).MatMul(lse);"),
        ["SizeNamedLikeATensor"] = Kernel("    static Bhsd<float> Attend([Shape(\"B, 8, q, 64\")] Bhsd<float> q, [Shape(\"B, 8, Sk, 64\")] Bhsd<float> k, [Shape(\"B, 8, output, 64\")] Bhsd<float> v) => Softmax(q.MatMul(k.T)).MatMul(v);"),
        ["KernelTypeNamedRun"] = Kernel($"    static Bhsd<float> Reference({Qkv}) => Softmax(q.MatMul(k.T)).MatMul(v);", "[AttentionKernel]\npublic static partial class Run"),

        // Numbers at the edges.
        ["SoftcapOutOfFloatRange"] = Body("=> Softmax(Softcap(q.MatMul(k.T), 1e39f)).MatMul(v);"),
        ["ChunkOfZeroAndNegativeWindow"] = Body("=> Softmax(q.MatMul(k.T) + ChunkedLocal(0) + SlidingWindow(-1, int.MinValue)).MatMul(v);"),
        ["SoftmaxAxisOutOfRange"] = Body("=> Softmax(q.MatMul(k.T), int.MaxValue).MatMul(v);"),
    };

    public static IEnumerable<object[]> Names => Cases.Keys.Select(name => new object[] { name });
}
