using System;
using System.Collections.Generic;
using System.Linq;

namespace TensorDsl.FrontEnd.Model;

/// <summary>
/// One dimension of a declared shape: a literal size, a name (a kernel constant or a size given at run time), or
/// a product of those. Names that are constants carry their value, so equality of two dimensions is decidable
/// without the declaring compilation.
/// </summary>
internal abstract record DimExpr
{
    /// <summary>The size when it is known at compile time.</summary>
    public abstract long? StaticValue { get; }

    /// <summary>The names of run-time sizes this dimension depends on.</summary>
    public abstract IEnumerable<string> RuntimeNames { get; }
}

internal sealed record LiteralDim(long Value) : DimExpr
{
    public override long? StaticValue => Value;

    public override IEnumerable<string> RuntimeNames => Array.Empty<string>();

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A named dimension; <see cref="ConstantValue"/> is set when the name is a constant of the kernel.</summary>
internal sealed record NamedDim(string Name, long? ConstantValue) : DimExpr
{
    public override long? StaticValue => ConstantValue;

    public override IEnumerable<string> RuntimeNames => ConstantValue is null ? new[] { Name } : Array.Empty<string>();

    public override string ToString() => Name;
}

internal sealed record ProductDim(EquatableArray<DimExpr> Factors) : DimExpr
{
    public override long? StaticValue
    {
        get
        {
            long product = 1;
            foreach (var factor in Factors)
            {
                if (factor.StaticValue is not { } value)
                {
                    return null;
                }

                product = checked(product * value);
            }

            return product;
        }
    }

    public override IEnumerable<string> RuntimeNames => Factors.SelectMany(f => f.RuntimeNames);

    public override string ToString() => string.Join("*", Factors.Select(f => f.ToString()));
}

internal static class DimText
{
    /// <summary>"D = 128" when the value is known and differs from the text, else the text alone.</summary>
    public static string Describe(DimExpr dim) => dim.StaticValue is { } value && dim is not LiteralDim
        ? $"{dim} = {value}"
        : dim.ToString();
}
