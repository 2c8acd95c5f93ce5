using System;
using System.Text;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// Writes indented C#. Blocks are scoped (<c>using (writer.Block("class X")) { … }</c>), so every brace the emitters
/// open is closed by construction and nothing tracks indentation by hand.
/// </summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder builder = new();
    private int depth;

    /// <summary>Writes one line of C# at the current depth, broken into several where it is too long (<see cref="LineWrapper"/>).</summary>
    public IndentedWriter Line(string text = "")
    {
        if (text.Length == 0)
        {
            builder.Append('\n');
            return this;
        }

        foreach (var (indent, part) in LineWrapper.Wrap(depth * 4, text))
        {
            builder.Append(' ', indent).Append(part).Append('\n');
        }

        return this;
    }

    /// <summary>Writes <paramref name="header"/> and an opening brace; disposing the result closes it.</summary>
    public Scope Block(string header, string closingSuffix = "")
    {
        Line(header);
        Line("{");
        depth++;
        return new Scope(this, closingSuffix);
    }

    /// <summary>Indents the lines written until the result is disposed (a continued statement, say).</summary>
    public Scope Indent()
    {
        depth++;
        return new Scope(this, null);
    }

    public override string ToString() => builder.ToString();

    internal readonly struct Scope : IDisposable
    {
        private readonly IndentedWriter writer;
        private readonly string? closing;

        public Scope(IndentedWriter writer, string? closing)
        {
            this.writer = writer;
            this.closing = closing;
        }

        public void Dispose()
        {
            writer.depth--;
            if (closing is not null)
            {
                writer.Line("}" + closing);
            }
        }
    }
}
