using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using TensorDsl;
using TensorDsl.Bench.Cases;
using TensorDsl.Bench.Harness;

namespace TensorDsl.Bench;

/// <summary>
/// The benchmark (docs/benchmarks.md): the machine's limits first, then each case, ours and ONNX Runtime's in turn (and
/// any peers a host program adds, e.g. bench/TensorDsl.Bench.Torch), then one table. Exit code 0
/// when every case ran and agreed, 1 on a mismatch or a failure, 2 on a bad command line.
/// </summary>
internal static class BenchMain
{
    public static int Run(string[] args, IReadOnlyList<IPeer> peers)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        if (options.Path is { } path && path != AttentionOptions.VectorPath)
        {
            return RunAtPath(path);
        }

        var wall = Stopwatch.StartNew();
        AttentionOptions.ThreadCount = options.Threads;
        Console.WriteLine($"TensorDsl.Bench{(options.Smoke ? " --smoke (tiny shapes)" : "")}: {options.Threads} thread(s), cases {string.Join(",", options.Cases)}");
        // With --no-ort nothing touches ONNX Runtime, not even its version: the tensordsl tool runs this program without it.
        Console.WriteLine($".NET {Environment.Version}, {Environment.OSVersion}; ONNX Runtime {(options.NoOrt ? "not run (--no-ort)" : OrtVersion())}");
        Console.WriteLine($"ISA: {MachineLimits.DescribeIsa()}");
        foreach (var peer in peers)
        {
            Console.WriteLine($"Peer {peer.Name}: {peer.Describe}");
        }

        // The limits are measured before and after the cases and the best of both is used: on a shared virtual machine what
        // a core gets moves with the neighbours' load (the slowest trial is printed too, to show by how much).
        var limits = MeasureLimits("before the cases");
        Console.WriteLine();

        var results = options.Cases
            .Select(name => CaseRunner.Run(CreateCase(name, options.Smoke), options, peers))
            .ToList();

        Console.WriteLine();
        limits = limits.Combine(MeasureLimits("after the cases"));
        Console.WriteLine();
        Report.PrintTable(results, limits, Console.Out);
        if (options.JsonPath is { } jsonPath)
        {
            Report.WriteJson(results, limits, jsonPath);
            Console.WriteLine($"wrote {jsonPath}");
        }

        if (options.CasesOnly)
        {
            int failed = results.Count(result => result.Failed);
            Console.WriteLine($"{results.Count - failed} case(s) passed, {failed} failed; {wall.Elapsed.TotalSeconds:F1} s in all");
            return failed == 0 ? 0 : 1;
        }

        // How much a second thread costs and gains on a short decode: the evidence for AttentionOptions.MinParallelFlops.
        Console.WriteLine();
        HandOff.Print(options.Threads, options.Smoke ? TimingPolicy.Smoke : TimingPolicy.Quick, options.Smoke);
        Console.WriteLine();

        // Spyre host preparation on M1's batch against the measured read bandwidth (docs/spyre.md).
        bool spyreOk = SpyrePrep.Print(limits, options.Smoke);
        Console.WriteLine();

        int failures = results.Count(result => result.Failed) + (spyreOk ? 0 : 1);
        Console.WriteLine($"{results.Count - failures} case(s) passed, {failures} failed; {wall.Elapsed.TotalSeconds:F1} s in all");
        return failures == 0 ? 0 : 1;

        MachineLimits MeasureLimits(string when)
        {
            var measured = MachineLimits.Measure(
                options.Threads, options.BandwidthBytes, trials: options.Smoke ? 3 : 10, seconds: options.Smoke ? 0.03 : 0.1);
            Console.WriteLine(
                $"Peak {when}: {measured.PeakGflops:F1} GFLOP/s fp32 on {measured.Threads} thread(s) ({MachineLimits.Describe}, " +
                $"{MachineLimits.Accumulators} independent accumulators, 2 flops per lane per multiply-add; slowest trial {measured.LowestGflops:F1})");
            Console.WriteLine(
                $"Read bandwidth {when}: {measured.ReadGBps:F1} GB/s on {measured.Threads} thread(s) ({measured.VectorBits}-bit loads over " +
                $"{measured.BufferBytes >> 20} MiB; slowest pass {measured.LowestGBps:F1})");
            return measured;
        }
    }

    private static BenchCase CreateCase(string name, bool smoke) => name switch
    {
        "P1" => new PrefillGqaCase("P1", batch: 1, length: smoke ? 64 : 2048, smoke),
        "P2" => new PrefillGqaCase("P2", batch: smoke ? 2 : 4, length: smoke ? 48 : 512, smoke),
        "P3" => new PrefillMhaCase("P3", batch: 1, length: smoke ? 40 : 1024, smoke),
        "D1" => new DecodeCase("D1", batch: smoke ? 2 : 16, length: smoke ? 80 : 2048, smoke),
        "D1h" => new DecodeHalfKvCase("D1h", batch: smoke ? 2 : 16, length: smoke ? 80 : 2048, smoke),
        "M1" => new MixedBatchCase("M1", smoke),
        _ => throw new ArgumentException($"unknown case {name}"),
    };

    // --path: the vector path is chosen once per process from what the runtime enables, so another path needs another
    // process. The same program restarts with the switch that turns the wider instruction sets off (as on a machine
    // without them) and the same arguments; it runs the cases itself when it finds the path it was asked for.
    private static int RunAtPath(CpuVectorPath path)
    {
        const string Child = "TENSORDSL_BENCH_PATH_CHILD";
        if (Environment.GetEnvironmentVariable(Child) == "1" || BenchOptions.SwitchFor(path) is not { } setting)
        {
            Console.Error.WriteLine(
                $"--path {path}: this process runs the {AttentionOptions.VectorPath} path and no runtime switch gives {path} here " +
                "(the switches only turn instruction sets off; Vector512 needs AVX-512 hardware)");
            return 2;
        }

        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false };
        if (System.IO.Path.GetFileNameWithoutExtension(start.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(BenchOptions).Assembly.Location); // `dotnet TensorDsl.Bench.dll ...`
        }

        foreach (var arg in Environment.GetCommandLineArgs().Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[setting.Name] = setting.Value;
        start.Environment[Child] = "1";
        Console.WriteLine($"--path {path}: restarting with {setting.Name}={setting.Value}");
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not restart the benchmark");
        child.WaitForExit();
        return child.ExitCode;
    }

    private static string OrtVersion()
    {
        try
        {
            return Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString();
        }
        catch (Exception exception)
        {
            return $"unavailable ({exception.GetType().Name}: {exception.Message})";
        }
    }
}
