// Compiled into the runtime and into the generator and analyzers (TENSORDSL_FRONTEND): the element types a kernel's
// tensors may have, one definition for the DSL's reading of a declaration and every engine's check of a call.
#if TENSORDSL_FRONTEND
namespace TensorDsl.FrontEnd.Model;
#else
using System;

namespace TensorDsl;
#endif

/// <summary>
/// The element types of a kernel's tensors (docs/semantics.md#element-types): fp32, IEEE fp16 (<c>System.Half</c>) and
/// bf16 (<c>TensorDsl.BFloat16</c>). Each engine accumulates in fp32 (CPU) or fp64 (reference) whatever they are.
/// </summary>
internal enum ElementKind
{
    Float,
    Half,
    BFloat16,
}

/// <summary>The <see cref="ElementKind"/> set as names, and (in the runtime) as CLR types.</summary>
internal static class ElementTypes
{
    /// <summary>The supported types, as messages name them.</summary>
    public const string Names = "float, Half or BFloat16";

#if !TENSORDSL_FRONTEND
    /// <summary>The kind of <paramref name="type"/>, or null when no engine takes it.</summary>
    public static ElementKind? Of(Type type) =>
        type == typeof(float) ? ElementKind.Float
        : type == typeof(Half) ? ElementKind.Half
        : type == typeof(BFloat16) ? ElementKind.BFloat16
        : null;

    /// <summary>Throws the one <see cref="NotSupportedException"/> every entry point gives for another type.</summary>
    public static void Require(Type type)
    {
        if (Of(type) is null)
        {
            throw new NotSupportedException($"Element type {type.Name} is not supported: use {Names}.");
        }
    }
#endif
}
