using Microsoft.CodeAnalysis;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Parsing;

internal static class SourceSpans
{
    public static SourceSpan Of(SyntaxNode node) => Of(node.GetLocation());

    public static SourceSpan Of(SyntaxToken token) => Of(token.GetLocation());

    public static SourceSpan Of(Location location)
    {
        if (location.SourceTree is null)
        {
            return SourceSpan.None;
        }

        var lines = location.GetLineSpan();
        return new SourceSpan(
            location.SourceTree.FilePath, location.SourceSpan.Start, location.SourceSpan.Length,
            lines.StartLinePosition.Line, lines.StartLinePosition.Character, lines.EndLinePosition.Line, lines.EndLinePosition.Character);
    }
}
