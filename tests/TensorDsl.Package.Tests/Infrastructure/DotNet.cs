using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;

namespace TensorDsl.Package.Tests.Infrastructure;

/// <summary>The result of one command: its exit code and everything it printed (stdout and stderr interleaved).</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"$ {Command}\n(exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s)\n{Output}";
}

/// <summary>
/// Runs the real tools (dotnet, the published binary) as a user would, in a consumer's directory. Builds run without
/// node reuse, the MSBuild server or the shared compiler server, so no process outlives the command (and none holds
/// this test's output pipes); NuGet reads the consumer's isolated packages folder.
/// </summary>
public static class DotNet
{
    public static CommandResult Run(string workingDirectory, string fileName, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        info.Environment["UseSharedCompilation"] = "false";
        // The test host's own switches must not leak into the consumer's tools.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "VSTEST_HOST_DEBUG", "TENSORDSL_CPU_PATH" })
        {
            info.Environment.Remove(name);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }
        }

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var limit = timeout ?? TimeSpan.FromMinutes(4);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish in {limit.TotalSeconds:0} s:\n{output}");
        }

        process.WaitForExit(); // drains the asynchronous readers
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        return new CommandResult($"{fileName} {string.Join(' ', arguments)}", process.ExitCode, text, stopwatch.Elapsed);
    }
}
