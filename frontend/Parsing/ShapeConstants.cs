using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace TensorDsl.FrontEnd.Parsing;

/// <summary>
/// What the names in a <c>[Shape]</c> string resolve to. A name is looked up as C# would look it up from inside the
/// kernel: the kernel type and its base types first, then each enclosing type outward, the innermost declaration
/// winning. An integral <c>const</c> is a compile-time size; any other member with that name (a <c>static
/// readonly</c> field, a <c>const char</c>, a property …) is rejected, because silently treating it as a run-time
/// size is never what the author meant. Names no member uses are run-time sizes.
/// </summary>
internal sealed class ShapeConstants
{
    private ShapeConstants(Dictionary<string, long> values, Dictionary<string, string> rejected)
    {
        Values = values;
        Rejected = rejected;
    }

    /// <summary>Integral constants in scope, by name.</summary>
    public IReadOnlyDictionary<string, long> Values { get; }

    /// <summary>Names in scope that are members but not usable sizes, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Rejected { get; }

    public static ShapeConstants Of(INamedTypeSymbol kernel)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        var rejected = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var scope = kernel; scope is not null; scope = scope.ContainingType)
        {
            for (var type = scope; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
            {
                foreach (var member in type.GetMembers())
                {
                    var inherited = !SymbolEqualityComparer.Default.Equals(type, scope);
                    if (!DslSymbols.IsUserDeclared(member)
                        || (inherited && member.DeclaredAccessibility == Accessibility.Private)
                        || values.ContainsKey(member.Name) || rejected.ContainsKey(member.Name)
                        || Describe(member) is not { } what)
                    {
                        continue;
                    }

                    if (member is IFieldSymbol { IsConst: true } field && AsSize(field.ConstantValue) is { } value)
                    {
                        values[member.Name] = value;
                    }
                    else
                    {
                        rejected[member.Name] = $"'{member.Name}' is {what}; shape dimensions must be const int (or a literal)";
                    }
                }
            }
        }

        return new ShapeConstants(values, rejected);
    }

    /// <summary>The member as a message names it, or null for members a dimension name cannot mean (constructors …).</summary>
    private static string? Describe(ISymbol member) => member switch
    {
        IFieldSymbol { IsConst: true } field => "a const " + field.Type.ToDisplayString(),
        IFieldSymbol { IsStatic: true, IsReadOnly: true } => "a static readonly field",
        IFieldSymbol { IsStatic: true } => "a static field",
        IFieldSymbol => "an instance field",
        IPropertySymbol => "a property",
        IMethodSymbol { MethodKind: MethodKind.Ordinary } => "a method",
        IEventSymbol => "an event",
        INamedTypeSymbol => "a type",
        _ => null,
    };

    /// <summary>The value of an integral constant (ulong clamped so that the range check reports it), else null.</summary>
    private static long? AsSize(object? constant) => constant switch
    {
        int or long or short or byte or sbyte or ushort or uint => Convert.ToInt64(constant, CultureInfo.InvariantCulture),
        ulong big => big > long.MaxValue ? long.MaxValue : (long)big,
        _ => null,
    };
}
