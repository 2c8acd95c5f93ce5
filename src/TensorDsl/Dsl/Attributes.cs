using System;

namespace TensorDsl;

/// <summary>
/// Marks a <c>static partial</c> class as an attention kernel. The class declares exactly one static method whose
/// expression body is the attention expression; the generator adds <c>Run</c> (fused CPU kernel) and
/// <c>Reference</c> (eager fp64 oracle) to the class.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AttentionKernelAttribute : Attribute
{
    public AttentionKernelAttribute(Targets targets = Targets.Cpu) => Targets = targets;

    public Targets Targets { get; }
}

/// <summary>
/// The shape of a kernel parameter or of its result, as comma-separated dimensions: a name (<c>B</c>, <c>Sq</c>,
/// or a <c>const int</c> of the kernel class), a literal size (<c>128</c>), or a product (<c>G*Hkv</c>).
/// The same name means the same size everywhere in the kernel; names that are not constants become
/// <c>int</c> parameters of the generated entry points.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.ReturnValue, AllowMultiple = false)]
public sealed class ShapeAttribute : Attribute
{
    public ShapeAttribute(string dims) => Dims = dims;

    public string Dims { get; }
}
