using System;
using System.Text;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// Writes indented C#. Blocks are scoped (<c>using (writer.Block("class X")) { … }</c>), so every brace the emitters
/// open is closed by construction and nothing tracks indentation by hand.
/// </summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _builder = new();
    private int _depth;

    /// <summary>Writes one line of C# at the current depth, broken into several where it is too long (<see cref="LineWrapper"/>).</summary>
    public IndentedWriter Line(string text = "")
    {
        if (text.Length == 0)
        {
            _builder.Append('\n');
            return this;
        }

        foreach (var (indent, part) in LineWrapper.Wrap(_depth * 4, text))
        {
            _builder.Append(' ', indent).Append(part).Append('\n');
        }

        return this;
    }

    /// <summary>Writes <paramref name="header"/> and an opening brace; disposing the result closes it.</summary>
    public Scope Block(string header, string closingSuffix = "")
    {
        Line(header);
        Line("{");
        _depth++;
        return new Scope(this, closingSuffix);
    }

    /// <summary>Indents the lines written until the result is disposed (a continued statement, say).</summary>
    public Scope Indent()
    {
        _depth++;
        return new Scope(this, null);
    }

    public override string ToString() => _builder.ToString();

    internal readonly struct Scope : IDisposable
    {
        private readonly IndentedWriter _writer;
        private readonly string? _closing;

        public Scope(IndentedWriter writer, string? closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer._depth--;
            if (_closing is not null)
            {
                _writer.Line("}" + _closing);
            }
        }
    }
}
