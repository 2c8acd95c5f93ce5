using System.Globalization;
using System.Linq;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.Generators.Cpu;

/// <summary>
/// Prints a <see cref="ScalarExpr"/> as C#. Every node is parenthesised, every constant keeps its type, and every call
/// argument is cast to the parameter type of the overload the user's code bound, so the printed expression binds
/// exactly as the lambda did.
/// </summary>
internal static class CSharpScalarPrinter
{
    public static string Print(ScalarExpr expression) => expression switch
    {
        VariableExpr variable => Variable(variable.Variable),
        ConstantExpr constant => Constant(constant),
        UnaryExpr unary => Unary(unary.Operator) + "(" + Print(unary.Operand) + ")",
        BinaryExpr { Operator: BinaryOperator.FloorDivide } floor => FloorDivide(Print(floor.Left), Print(floor.Right)),
        BinaryExpr binary => "(" + Print(binary.Left) + " " + Binary(binary.Operator) + " " + Print(binary.Right) + ")",
        ConditionalExpr conditional => "(" + Print(conditional.Condition) + " ? " + Print(conditional.WhenTrue) + " : " + Print(conditional.WhenFalse) + ")",
        CastExpr cast => "((" + Type(cast.Type) + ")(" + Print(cast.Operand) + "))",
        CallExpr call => "global::System." + call.Library + "." + call.Method + "("
            + string.Join(", ", call.Arguments.Select((argument, i) => "(" + Type(call.Parameters[i]) + ")(" + Print(argument) + ")")) + ")",
        SideInputExpr side => side.Kind == SideInputKind.PerHead
            ? $"inputs.Side{side.Slot}.PerHead(head)"
            : $"inputs.Side{side.Slot}.Bias<{Emit.EmitNames.Element(side.Element)}>(batch, head, row, key)",
        _ => throw new System.InvalidOperationException("Unknown scalar expression " + expression),
    };

    private static string Variable(ScalarVariable variable) => variable switch
    {
        ScalarVariable.Batch => "batch",
        ScalarVariable.Head => "head",
        ScalarVariable.Row => "row",
        ScalarVariable.Position => "position",
        ScalarVariable.Key => "key",
        ScalarVariable.Score => "score",
        _ => "inputs.DefaultScale",
    };

    /// <summary>Floor division for a positive divisor (C#'s <c>/</c> truncates toward zero, wrong for negative positions).</summary>
    private static string FloorDivide(string left, string right) =>
        $"(({left}) >= 0 ? ({left}) / ({right}) : -((({right}) - 1 - ({left})) / ({right})))";

    private static string Constant(ConstantExpr constant)
    {
        var type = constant.Type;
        if (type.EnumType is not null)
        {
            return "((" + type.EnumType + ")(" + Primitive(type.Kind, constant.Value) + "))";
        }

        return Primitive(type.Kind, constant.Value);
    }

    private static string Primitive(ScalarKind kind, string value) => kind switch
    {
        ScalarKind.Bool => value,
        ScalarKind.Single => value switch
        {
            "NaN" => "float.NaN",
            "Infinity" => "float.PositiveInfinity",
            "-Infinity" => "float.NegativeInfinity",
            _ => "(" + value + "f)",
        },
        ScalarKind.Double => value switch
        {
            "NaN" => "double.NaN",
            "Infinity" => "double.PositiveInfinity",
            "-Infinity" => "double.NegativeInfinity",
            _ => "(" + value + "d)",
        },
        ScalarKind.Int32 => "(" + value + ")",
        ScalarKind.Int64 => "(" + value + "L)",
        ScalarKind.UInt32 => "(" + value + "U)",
        ScalarKind.UInt64 => "(" + value + "UL)",
        _ => "((" + Keyword(kind) + ")(" + value + "))",
    };

    public static string Type(ScalarType type) => type.EnumType ?? Keyword(type.Kind);

    private static string Keyword(ScalarKind kind) => kind switch
    {
        ScalarKind.Bool => "bool",
        ScalarKind.SByte => "sbyte",
        ScalarKind.Byte => "byte",
        ScalarKind.Int16 => "short",
        ScalarKind.UInt16 => "ushort",
        ScalarKind.Int32 => "int",
        ScalarKind.UInt32 => "uint",
        ScalarKind.Int64 => "long",
        ScalarKind.UInt64 => "ulong",
        ScalarKind.Single => "float",
        _ => "double",
    };

    private static string Unary(UnaryOperator op) => op switch
    {
        UnaryOperator.Negate => "-",
        UnaryOperator.Plus => "+",
        UnaryOperator.Not => "!",
        _ => "~",
    };

    private static string Binary(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Modulo => "%",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Equal => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.And => "&&",
        BinaryOperator.Or => "||",
        BinaryOperator.BitAnd => "&",
        BinaryOperator.BitOr => "|",
        BinaryOperator.BitXor => "^",
        BinaryOperator.ShiftLeft => "<<",
        _ => ">>",
    };
}
