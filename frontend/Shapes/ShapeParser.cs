using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Shapes;

/// <summary>
/// Parses a shape string such as <c>"B, Hq, Sq, 128"</c> or <c>"T, G*Hkv, D"</c>. Grammar:
/// <c>shape := dim (',' dim)*</c>, <c>dim := factor ('*' factor)*</c>, <c>factor := identifier | integer</c>.
/// </summary>
internal static class ShapeParser
{
    /// <summary>
    /// Parses <paramref name="text"/>. <paramref name="constants"/> maps the <c>const int</c> names in scope to their
    /// values; <paramref name="rejected"/> maps names in scope that are not usable sizes to the reason. On failure
    /// returns false with the offending offset (within <paramref name="text"/>) and a reason.
    /// </summary>
    public static bool TryParse(
        string text,
        IReadOnlyDictionary<string, long> constants,
        IReadOnlyDictionary<string, string> rejected,
        out EquatableArray<DimExpr> shape,
        out int errorOffset,
        out string error)
    {
        shape = EquatableArray<DimExpr>.Empty;
        errorOffset = 0;
        error = string.Empty;
        var dims = ImmutableArray.CreateBuilder<DimExpr>();
        var factors = new List<DimExpr>();
        var position = 0;
        var dimensionStart = 0;
        long knownProduct = 1;

        while (true)
        {
            SkipSpace(text, ref position);
            if (factors.Count == 0)
            {
                dimensionStart = position;
                knownProduct = 1;
            }

            if (!TryFactor(text, constants, rejected, ref position, out var factor, out error))
            {
                errorOffset = position;
                return false;
            }

            // Sizes are ints at run time; a product of known sizes must fit too (and never overflow the solver).
            if (factor.StaticValue is { } known && (knownProduct *= known) > int.MaxValue)
            {
                errorOffset = dimensionStart;
                error = "the size is larger than int.MaxValue";
                return false;
            }

            factors.Add(factor);
            SkipSpace(text, ref position);
            if (position < text.Length && text[position] == '*')
            {
                position++;
                continue;
            }

            dims.Add(factors.Count == 1 ? factors[0] : new ProductDim(factors.ToEquatableArray()));
            factors.Clear();
            if (position == text.Length)
            {
                break;
            }

            if (text[position] != ',')
            {
                errorOffset = position;
                error = $"expected ',' or '*' but found '{text[position]}'";
                return false;
            }

            position++;
        }

        shape = new EquatableArray<DimExpr>(dims.ToImmutable());
        return true;
    }

    private static bool TryFactor(
        string text, IReadOnlyDictionary<string, long> constants, IReadOnlyDictionary<string, string> rejected, ref int position, out DimExpr factor, out string error)
    {
        factor = new LiteralDim(0);
        error = string.Empty;
        if (position >= text.Length)
        {
            error = "expected a dimension (a name or a size)";
            return false;
        }

        var start = position;
        if (char.IsDigit(text[position]))
        {
            while (position < text.Length && char.IsDigit(text[position]))
            {
                position++;
            }

            if (!long.TryParse(text.Substring(start, position - start), out var value) || value > int.MaxValue)
            {
                position = start;
                error = "the size is larger than int.MaxValue";
                return false;
            }

            factor = new LiteralDim(value);
            return true;
        }

        if (char.IsLetter(text[position]) || text[position] == '_')
        {
            while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_'))
            {
                position++;
            }

            var name = text.Substring(start, position - start);
            if (rejected.TryGetValue(name, out var reason))
            {
                position = start;
                error = reason;
                return false;
            }

            if (constants.TryGetValue(name, out var constant) && constant is < 0 or > int.MaxValue)
            {
                position = start;
                error = name + " = " + constant.ToString(System.Globalization.CultureInfo.InvariantCulture) + " is not a size (0 to int.MaxValue)";
                return false;
            }

            factor = new NamedDim(name, constants.TryGetValue(name, out constant) ? constant : null);
            return true;
        }

        error = $"expected a dimension (a name or a size) but found '{text[position]}'";
        return false;
    }

    private static void SkipSpace(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }
}
