namespace TensorDsl.FrontEnd.Model;

/// <summary>
/// The numeric types a score or mask expression can compute in. An enum constant keeps its enum type (printed as a
/// cast), so a call that took an enum argument binds to the same overload when printed back.
/// </summary>
internal enum ScalarKind
{
    Bool,
    SByte,
    Byte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
}

/// <summary>A scalar type: a primitive, or an enum type (by its full metadata name) over a primitive.</summary>
internal sealed record ScalarType(ScalarKind Kind, string? EnumType = null)
{
    public static readonly ScalarType Int32 = new(ScalarKind.Int32);
    public static readonly ScalarType Single = new(ScalarKind.Single);
    public static readonly ScalarType Bool = new(ScalarKind.Bool);
}

/// <summary>
/// The indices and values a kernel's score steps and masks are functions of. Lambda parameters are replaced by these
/// by position (<c>(batch, head, position, key[, score])</c>), so no user-chosen name reaches generated code.
/// </summary>
internal enum ScalarVariable
{
    /// <summary>The sequence index <c>b</c>.</summary>
    Batch,
    /// <summary>The query head <c>h</c>.</summary>
    Head,
    /// <summary>The query row <c>i</c> within its sequence.</summary>
    Row,
    /// <summary>The row's absolute, bottom-right aligned position <c>p = Lk − Lq + i</c>.</summary>
    Position,
    /// <summary>The key index <c>j</c>.</summary>
    Key,
    /// <summary>The score so far (float).</summary>
    Score,
    /// <summary><c>1/sqrt(D)</c> for a head size known only at run time (float).</summary>
    DefaultScale,
}

internal enum UnaryOperator
{
    Negate,
    Plus,
    Not,
    Complement,
}

internal enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    /// <summary>Integer division rounding toward −∞ (chunk masks over negative positions); divisor &gt; 0.</summary>
    FloorDivide,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    And,
    Or,
    BitAnd,
    BitOr,
    BitXor,
    ShiftLeft,
    ShiftRight,
}

/// <summary>The math libraries a lambda may call; each target's printer knows its spelling of each method.</summary>
internal enum MathLibrary
{
    Math,
    MathF,
}

/// <summary>What a side input is read as: a per-head vector <c>[Hq]</c>, or a broadcastable bias <c>[B, Hq, Sq, Sk]</c>.</summary>
internal enum SideInputKind
{
    PerHead,
    Bias,
}

/// <summary>
/// A small equatable scalar-expression tree: score steps and mask predicates as data, decided once by the planner and
/// printed by each target (C# for the CPU target). Every node keeps the type C# bound it to.
/// </summary>
internal abstract record ScalarExpr;

internal sealed record VariableExpr(ScalarVariable Variable) : ScalarExpr;

/// <summary>A typed constant; <see cref="Value"/> is invariant round-trip text ("NaN", "Infinity", "-Infinity" for floats).</summary>
internal sealed record ConstantExpr(ScalarType Type, string Value) : ScalarExpr;

internal sealed record UnaryExpr(UnaryOperator Operator, ScalarExpr Operand) : ScalarExpr;

internal sealed record BinaryExpr(BinaryOperator Operator, ScalarExpr Left, ScalarExpr Right) : ScalarExpr;

internal sealed record ConditionalExpr(ScalarExpr Condition, ScalarExpr WhenTrue, ScalarExpr WhenFalse) : ScalarExpr;

internal sealed record CastExpr(ScalarType Type, ScalarExpr Operand) : ScalarExpr;

/// <summary>
/// A call of a math method, with the parameter types of the overload C# bound: printers pass each argument as exactly
/// that type, so the printed call cannot bind to another overload.
/// </summary>
internal sealed record CallExpr(MathLibrary Library, string Method, EquatableArray<ScalarType> Parameters, EquatableArray<ScalarExpr> Arguments) : ScalarExpr;

/// <summary>A value read from a side input (bias or per-head vector) in slot <see cref="Slot"/>, converted to float.</summary>
internal sealed record SideInputExpr(SideInputKind Kind, int Slot, ElementKind Element) : ScalarExpr;
