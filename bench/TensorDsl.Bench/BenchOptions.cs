using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TensorDsl;
using TensorDsl.Bench.Harness;

namespace TensorDsl.Bench;

/// <summary>The command line (see <see cref="Usage"/>).</summary>
internal sealed class BenchOptions
{
    public static readonly string[] AllCases = { "P1", "P2", "P3", "D1", "D1h", "M1" };

    public int Threads { get; private set; } = 2;

    public IReadOnlyList<string> Cases { get; private set; } = AllCases;

    public bool Smoke { get; private set; }

    public string? JsonPath { get; private set; }

    public bool NoOrt { get; private set; }

    public bool CheckReference { get; private set; }

    public int Seed { get; private set; } = 42;

    public TimingPolicy Policy { get; private set; } = TimingPolicy.Full;

    /// <summary>The buffer the read-bandwidth loop streams over.</summary>
    public long BandwidthBytes { get; private set; } = 512L << 20;

    public bool Help { get; private set; }

    /// <summary>Only the cases' table: no hand-off or Spyre tables after it (<c>--cases-only</c>, for profiles).</summary>
    public bool CasesOnly { get; private set; }

    /// <summary>The vector path to run the kernels at (<c>--path</c>); null: the widest the machine has.</summary>
    public CpuVectorPath? Path { get; private set; }

    public const string Usage = """
        TensorDsl.Bench: generated attention kernels vs ONNX Runtime vs this machine's FMA peak and read bandwidth.

        dotnet run -c Release --project bench/TensorDsl.Bench -- [options]
          --cases P1,D1      cases to run (default: all of P1,P2,P3,D1,D1h,M1; case-insensitive)
          --threads N        threads for our kernels (AttentionOptions.ThreadCount), ONNX Runtime's intra-op pool
                             and the machine-limit loops (default 2)
          --smoke            tiny shapes of every case: checks against the fp64 reference and ONNX Runtime and a
                             quick timing; exits non-zero on any mismatch
          --json PATH        also write the results as a JSON array of records
          --min-reps N       timed calls per side at least (default 3)
          --min-time S       ... and seconds per side at least (default 2)
          --max-time S       stop timing a side after S seconds once one call is timed (default 60)
          --check-reference  also check our kernel against the fp64 reference at full size (slow)
          --no-ort           skip ONNX Runtime
          --seed N           data seed (default 42)
          --bandwidth-mib N  buffer of the read-bandwidth loop (default 512; 64 with --smoke)
          --cases-only       stop after the cases' table (no hand-off or Spyre tables), e.g. under a profiler
          --path P           run as on a machine whose widest vector path is P (512, 256, 128 or scalar): the
                             program restarts itself with the runtime's switches for P (256: DOTNET_EnableAVX512=0,
                             128: DOTNET_EnableAVX2=0, which also turns FMA off, scalar: DOTNET_EnableHWIntrinsic=0);
                             the limits are then measured at that path. ONNX Runtime keeps its own kernels.
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        double? minTime = null, maxTime = null;
        int? minReps = null;
        long? bandwidthMib = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            switch (arg.ToLowerInvariant())
            {
                case "--threads":
                    options.Threads = PositiveInt(arg, Value());
                    break;
                case "--cases":
                    options.Cases = ParseCases(Value());
                    break;
                case "--smoke":
                    options.Smoke = true;
                    break;
                case "--json":
                    options.JsonPath = Value();
                    break;
                case "--min-reps":
                    minReps = PositiveInt(arg, Value());
                    break;
                case "--min-time":
                    minTime = Seconds(arg, Value());
                    break;
                case "--max-time":
                    maxTime = Seconds(arg, Value());
                    break;
                case "--check-reference":
                    options.CheckReference = true;
                    break;
                case "--no-ort":
                    options.NoOrt = true;
                    break;
                case "--seed":
                    options.Seed = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--bandwidth-mib":
                    bandwidthMib = PositiveInt(arg, Value());
                    break;
                case "--cases-only":
                    options.CasesOnly = true;
                    break;
                case "--path":
                    options.Path = ParsePath(Value());
                    break;
                case "-h":
                case "--help":
                    options.Help = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option '{arg}' (--help lists them)");
            }
        }

        var policy = options.Smoke ? TimingPolicy.Smoke : TimingPolicy.Full;
        options.Policy = policy with
        {
            MinReps = minReps ?? policy.MinReps,
            MinSeconds = minTime ?? policy.MinSeconds,
            MaxSeconds = maxTime ?? policy.MaxSeconds,
        };
        options.BandwidthBytes = (bandwidthMib ?? (options.Smoke ? 64 : 512)) << 20;
        return options;
    }

    private static IReadOnlyList<string> ParseCases(string list)
    {
        var cases = new List<string>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var known = AllCases.FirstOrDefault(name => name.Equals(item, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"unknown case '{item}' (cases: {string.Join(",", AllCases)})");
            if (!cases.Contains(known))
            {
                cases.Add(known);
            }
        }

        return cases.Count > 0 ? cases : throw new ArgumentException("--cases names no case");
    }

    private static CpuVectorPath ParsePath(string text) => text.Trim().ToLowerInvariant() switch
    {
        "512" => CpuVectorPath.Vector512,
        "256" => CpuVectorPath.Vector256,
        "128" => CpuVectorPath.Vector128,
        "scalar" => CpuVectorPath.Scalar,
        _ => throw new ArgumentException($"--path takes 512, 256, 128 or scalar, not '{text}'"),
    };

    /// <summary>
    /// The runtime switch that makes <paramref name="path"/> the widest path the kernels see (docs/design.md, "Vector
    /// paths"): the standard switches only turn instruction sets off, which is what a machine without them looks like.
    /// </summary>
    public static (string Name, string Value)? SwitchFor(CpuVectorPath path) => path switch
    {
        CpuVectorPath.Vector256 => ("DOTNET_EnableAVX512", "0"),
        CpuVectorPath.Vector128 => ("DOTNET_EnableAVX2", "0"),
        CpuVectorPath.Scalar => ("DOTNET_EnableHWIntrinsic", "0"),
        _ => null,
    };

    private static int PositiveInt(string option, string text)
        => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ArgumentException($"{option} needs a positive integer, not '{text}'");

    private static double Seconds(string option, string text)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0
            ? value
            : throw new ArgumentException($"{option} needs a number of seconds, not '{text}'");
}
