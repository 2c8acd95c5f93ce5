using System;
using System.Diagnostics;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using TensorDsl.Cli.Kernels;
using TensorDsl.Cli.Npy;

namespace TensorDsl.Cli.Commands;

/// <summary>The one place a command's failure becomes one line on stderr and an exit code, never a stack trace.</summary>
internal static class Cli
{
    public const int BadInput = 1;
    public const int BadCommandLine = 2;
    public const int InternalError = 70;

    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UsageException e)
        {
            // An option value the parser accepts but the command cannot use (a bucket that is not a multiple of 64).
            Console.Error.WriteLine("tensordsl: " + OneLine(e.Message));
            return BadCommandLine;
        }
        catch (Exception e) when (e is InputException or NpyFormatException or ShapeException)
        {
            Console.Error.WriteLine("tensordsl: " + OneLine(e.Message));
            return BadInput;
        }
        catch (ArgumentException e)
        {
            // The generated kernels' own validation (an output overlapping an input, a size past int) and PagedBatch's.
            Console.Error.WriteLine("tensordsl: " + OneLine(e.Message));
            return BadInput;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"tensordsl: internal error ({e.GetType().Name}): {OneLine(e.Message)}; please report it");
            return InternalError;
        }
    }

    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>
    /// An option over an enum whose help shows its values (<c>--engine &lt;cpu|reference&gt;</c>) and whose error lists them:
    /// System.CommandLine's own enum parsing reports the CLR type name instead.
    /// </summary>
    public static Option<T> EnumOption<T>(string name, string description, T defaultValue)
        where T : struct, Enum
    {
        var values = Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToArray();
        var option = new Option<T>(name)
        {
            // No DefaultValueFactory: help would print the default as the CLR name ("Cpu"); the parser supplies it.
            Description = $"{description} Default: {defaultValue.ToString().ToLowerInvariant()}.",
            HelpName = string.Join("|", values),
        };
        option.CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return defaultValue;
            }

            var text = result.Tokens[0].Value;
            foreach (var value in Enum.GetValues<T>())
            {
                // Names only: Enum.TryParse would also take "1" or "cpu,reference".
                if (string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            result.AddError($"{name} '{text}': must be one of {string.Join(", ", values)}");
            return defaultValue;
        };
        option.CompletionSources.Add(values);
        return option;
    }
}

/// <summary>
/// A status line on stderr for work that takes a while: the current step and the elapsed time, redrawn every 100 ms.
/// Only when stderr is a terminal (never in a pipe or a log) and not with --quiet.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    private static readonly char[] Spinner = { '|', '/', '-', '\\' };
    private readonly bool _enabled;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer? _timer;
    private readonly object _gate = new();
    private string _step = "";
    private int _tick;
    private int _width;

    public ProgressLine(bool quiet)
    {
        _enabled = !quiet && !Console.IsErrorRedirected;
        if (_enabled)
        {
            _timer = new Timer(_ => Draw(), null, 0, 100);
        }
    }

    public void Step(string text)
    {
        lock (_gate)
        {
            _step = text;
        }

        Draw();
    }

    private void Draw()
    {
        if (!_enabled)
        {
            return;
        }

        lock (_gate)
        {
            var line = $"{Spinner[_tick++ % Spinner.Length]} {_step} ({_clock.Elapsed.TotalSeconds:0.0} s)";
            Console.Error.Write("\r" + line.PadRight(_width));
            _width = line.Length;
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        if (_enabled)
        {
            lock (_gate)
            {
                Console.Error.Write("\r" + new string(' ', _width) + "\r");
            }
        }
    }
}

internal static class Files
{
    public static NpyArray Read(ProgressLine progress, string option, FileInfo file)
    {
        progress.Step($"reading {option} {file.Name}");
        if (!file.Exists)
        {
            throw new InputException($"{option} {file.FullName}: no such file");
        }

        return NpyArray.Read(file.FullName);
    }
}
