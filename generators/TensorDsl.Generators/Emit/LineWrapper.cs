using System.Collections.Generic;
using System.Text;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// Keeps generated lines within <see cref="MaxLength"/> characters where C# allows it (docs/design.md, "Generated code
/// a reader can follow"): a long parameter or argument list is broken after its opening parenthesis, one item per
/// line, and a long documentation comment at spaces. Strings and character literals are never broken; a line with a
/// raw or verbatim string, a preprocessor directive, a plain // comment (the header quotes the user's expression) or
/// nothing to break at is left as it is.
/// </summary>
internal static class LineWrapper
{
    public const int MaxLength = 120;

    private const int Step = 4;

    /// <summary>The lines <paramref name="text"/> becomes at <paramref name="indent"/> spaces (without the indentation).</summary>
    public static IReadOnlyList<(int Indent, string Text)> Wrap(int indent, string text)
    {
        var lines = new List<(int, string)>();
        Add(lines, indent, text);
        return lines;
    }

    private static void Add(List<(int, string)> lines, int indent, string text)
    {
        var plainComment = text.StartsWith("//", System.StringComparison.Ordinal) && !text.StartsWith("///", System.StringComparison.Ordinal);
        if (indent + text.Length <= MaxLength || plainComment || text.IndexOf('\n') >= 0 || text.StartsWith("#", System.StringComparison.Ordinal)
            || text.Contains("@\"") || text.Contains("\"\"\""))
        {
            lines.Add((indent, text));
            return;
        }

        if (text.StartsWith("///", System.StringComparison.Ordinal))
        {
            WrapComment(lines, indent, text);
            return;
        }

        if (SplitList(text) is not { } parts)
        {
            lines.Add((indent, text));
            return;
        }

        var (head, items, tail) = parts;
        lines.Add((indent, head));
        for (var i = 0; i < items.Count; i++)
        {
            Add(lines, indent + Step, items[i] + (i < items.Count - 1 ? "," : tail));
        }
    }

    /// <summary>
    /// The first parenthesised list of more than one item: "head(", the items (trimmed), ")tail". Null when the line has
    /// no such list.
    /// </summary>
    private static (string Head, List<string> Items, string Tail)? SplitList(string text)
    {
        for (var open = 0; open < text.Length; open++)
        {
            open = SkipLiteral(text, open);
            if (open >= text.Length || text[open] != '(')
            {
                continue;
            }

            var items = new List<string>();
            var depth = 0;
            var start = open + 1;
            for (var i = open + 1; i < text.Length; i++)
            {
                i = SkipLiteral(text, i);
                if (i >= text.Length)
                {
                    break;
                }

                var c = text[i];
                if (c is '(' or '[' or '{' or '<')
                {
                    depth++;
                }
                else if (c is ')' or ']' or '}' or '>' && depth > 0)
                {
                    depth--;
                }
                else if (c == ',' && depth == 0)
                {
                    items.Add(text.Substring(start, i - start).Trim());
                    start = i + 1;
                }
                else if (c == ')' && depth == 0)
                {
                    items.Add(text.Substring(start, i - start).Trim());
                    if (items.Count > 1 && items.TrueForAll(item => item.Length > 0))
                    {
                        return (text.Substring(0, open + 1), items, text.Substring(i));
                    }

                    break; // an empty or single-item list: look further along the line (inside it, too)
                }
            }
        }

        return null;
    }

    /// <summary>The index of the last character of a string or char literal starting at <paramref name="i"/>, else <paramref name="i"/>.</summary>
    private static int SkipLiteral(string text, int i)
    {
        if (i >= text.Length || (text[i] != '"' && text[i] != '\''))
        {
            return i;
        }

        var quote = text[i];
        for (var j = i + 1; j < text.Length; j++)
        {
            if (text[j] == '\\')
            {
                j++;
            }
            else if (text[j] == quote)
            {
                return j + 1 < text.Length ? j + 1 : j;
            }
        }

        return text.Length;
    }

    private static void WrapComment(List<(int, string)> lines, int indent, string text)
    {
        var line = new StringBuilder("///");
        foreach (var word in text.Substring(3).TrimStart().Split(' '))
        {
            if (line.Length > 3 && indent + line.Length + 1 + word.Length > MaxLength)
            {
                lines.Add((indent, line.ToString()));
                line.Clear().Append("///");
            }

            line.Append(' ').Append(word);
        }

        lines.Add((indent, line.ToString()));
    }
}
