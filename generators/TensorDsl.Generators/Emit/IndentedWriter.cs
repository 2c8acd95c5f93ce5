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
    private int _imports;

    /// <summary>Writes one line of C# at the current depth, broken into several where it is too long (<see cref="LineWrapper"/>).</summary>
    public IndentedWriter Line(string text = "")
    {
        if (text.Length == 0)
        {
            _builder.Append('\n');
            return this;
        }

        if (_imports > 0)
        {
            text = ImportedNames.Shorten(text);
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

    /// <summary>
    /// Writes the <see cref="ImportedNames.Usings"/> and, until the result is disposed, writes their types by their short
    /// names: for the inside of the implementation's namespace.
    /// </summary>
    public Scope Imports()
    {
        foreach (var ns in ImportedNames.Usings)
        {
            Line($"using {ns};");
        }

        Line();
        _imports++;
        return new Scope(this, null, imports: true);
    }

    public override string ToString() => _builder.ToString();

    internal readonly struct Scope : IDisposable
    {
        private readonly IndentedWriter _writer;
        private readonly string? _closing;
        private readonly bool _imports;

        public Scope(IndentedWriter writer, string? closing, bool imports = false)
        {
            _writer = writer;
            _closing = closing;
            _imports = imports;
        }

        public void Dispose()
        {
            if (_imports)
            {
                _writer._imports--;
                return;
            }

            _writer._depth--;
            if (_closing is not null)
            {
                _writer.Line("}" + _closing);
            }
        }
    }
}
