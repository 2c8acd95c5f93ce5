using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Reflection;

namespace TensorDsl.Cli.Commands;

/// <summary>
/// `tensordsl bench`: the benchmark table of docs/benchmarks.md without the ONNX Runtime columns. The tool references
/// bench/TensorDsl.Bench and runs its entry point in-process, always with --no-ort, so the table, the cases and the
/// checks are the bench program's own; ONNX Runtime itself is left out of the tool package (its native libraries for
/// every platform would make the tool 160 MB), so the comparison runs from the repository only.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var cases = new Option<string?>("--cases") { Description = "Cases to run, comma-separated (default: all of P1,P2,P3,D1,D1h,M1)." };
        var threads = new Option<int?>("--threads") { Description = "Threads for the kernels and the machine-limit loops (default 2)." };
        var smoke = new Option<bool>("--smoke") { Description = "Tiny shapes of every case, checked against the fp64 reference (seconds)." };
        var json = new Option<string?>("--json") { Description = "Also write the results as JSON to this path." };
        var checkReference = new Option<bool>("--check-reference") { Description = "Also check our kernels against the fp64 reference at full size (slow)." };
        var seed = new Option<int?>("--seed") { Description = "Data seed (default 42)." };
        var minReps = new Option<int?>("--min-reps") { Description = "Timed calls per side, at least (default 3)." };
        var minTime = new Option<double?>("--min-time") { Description = "Seconds per side, at least (default 2)." };
        var maxTime = new Option<double?>("--max-time") { Description = "Stop timing a side after this many seconds once one call is timed (default 60)." };

        var command = new Command(
            "bench",
            "Run the benchmark table: the generated kernels against this machine's FMA peak and read bandwidth (docs/benchmarks.md). "
            + "The comparison with ONNX Runtime is not in the tool; it lives in the repository: "
            + "dotnet run -c Release --project bench/TensorDsl.Bench")
        {
            cases, threads, smoke, json, checkReference, seed, minReps, minTime, maxTime,
        };
        command.SetAction(result => Cli.Guard(() =>
        {
            var args = new List<string>();
            void Add(string name, object? value)
            {
                if (value is not null)
                {
                    args.Add(name);
                    args.Add(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                }
            }

            Add("--cases", result.GetValue(cases));
            Add("--threads", result.GetValue(threads));
            Add("--json", result.GetValue(json));
            Add("--seed", result.GetValue(seed));
            Add("--min-reps", result.GetValue(minReps));
            Add("--min-time", result.GetValue(minTime));
            Add("--max-time", result.GetValue(maxTime));
            if (result.GetValue(smoke))
            {
                args.Add("--smoke");
            }

            // ONNX Runtime is not in the tool package (see the summary): the bench must never reach it.
            args.Add("--no-ort");

            if (result.GetValue(checkReference))
            {
                args.Add("--check-reference");
            }

            var entry = Assembly.Load("TensorDsl.Bench").EntryPoint
                ?? throw new InvalidOperationException("the bench assembly has no entry point");
            try
            {
                return (int)entry.Invoke(null, new object[] { args.ToArray() })!;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }));
        return command;
    }
}
