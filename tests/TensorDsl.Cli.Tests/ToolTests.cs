using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using TensorDsl.Cli.Npy;

namespace TensorDsl.Cli.Tests;

/// <summary>
/// The tensordsl tool as a user runs it: a separate process, .npy files in, .npy files out. Each built-in kernel's CPU
/// output is checked against the same declaration on the reference engine (--engine reference); bad inputs give one
/// line on stderr and exit code 1, never a stack trace; every command has --help.
/// </summary>
public sealed partial class ToolTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tensordsl-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static IEnumerable<object[]> DenseKernels => new[] { "dense", "dense-causal", "sliding-window", "softcap" }
        .SelectMany(name => new[] { new object[] { name, "float32" }, new object[] { name, "float16" } });

    [Theory]
    [MemberData(nameof(DenseKernels))]
    public void DenseKernelMatchesTheReferenceEngine(string kernel, string type)
    {
        var random = new Random(kernel.Length * 31 + type.Length);
        const int b = 2, hq = 4, hkv = 2, sq = 5, sk = 300, d = 16; // sk > 256 so the sliding window cuts
        Save("q", type, random, b, hq, sq, d);
        Save("k", type, random, b, hkv, sk, d);
        Save("v", type, random, b, hkv, sk, d);

        var run = Tool("run", kernel, "--q", P("q"), "--k", P("k"), "--v", P("v"), "--out", P("out"), "--lse", P("lse"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{kernel}: wrote out.npy ({b}, {hq}, {sq}, {d}) {type}", run.StdOut, StringComparison.Ordinal);
        var reference = Tool("run", kernel, "--q", P("q"), "--k", P("k"), "--v", P("v"), "--out", P("expected"), "--lse", P("expected-lse"), "--engine", "reference", "--quiet");
        Assert.True(reference.ExitCode == 0, reference.ToString());
        Assert.Equal("", reference.StdOut);

        var output = NpyArray.Read(P("out"));
        Assert.Equal(new[] { b, hq, sq, d }, output.Shape);
        Assert.Equal(type, NpyArray.Describe(output.Type));
        AssertClose(NpyArray.Read(P("expected")), output, type == "float32" ? 1e-5 : 2e-3);
        AssertClose(NpyArray.Read(P("expected-lse")), NpyArray.Read(P("lse")), 1e-4);
        Assert.Equal(new[] { b, hq, sq }, NpyArray.Read(P("lse")).Shape);
    }

    [Theory]
    [InlineData("float32", false)]
    [InlineData("float16", false)]
    [InlineData("float32", true)]
    public void PagedKernelOnVllmMetadataMatchesTheReferenceEngine(string type, bool int64Metadata)
    {
        var random = new Random(7);
        const int hq = 8, hkv = 2, d = 32, blocks = 12, blockSize = 16;
        // Three sequences: a prefill (5 of 5 tokens), a chunked prefill (3 new of 40) and a decode (1 of 33).
        int[] queryStartLoc = { 0, 5, 8, 9 };
        int[] seqLens = { 5, 40, 33 };
        int[] blockTable = { 3, -1, -1, 7, 1, 10, 0, 5, 11 };
        // NumPy's default integer is int64 (np.array([5, 40, 33])); the tool takes it as well as int32.
        NpyArray Ints(int[] values, params int[] shape) =>
            int64Metadata ? NpyArray.Create(values.Select(x => (long)x).ToArray(), shape) : NpyArray.Create(values, shape);
        Ints(queryStartLoc, 4).Write(P("qsl"));
        Ints(seqLens, 3).Write(P("lens"));
        Ints(blockTable, 3, 3).Write(P("table"));
        Save("q", type, random, 9, hq, d);
        Save("k", type, random, blocks, blockSize, hkv, d);
        Save("v", type, random, blocks, blockSize, hkv, d);

        string[] Args(string output, string engine) => new[]
        {
            "run", "paged", "--q", P("q"), "--k", P("k"), "--v", P("v"), "--out", P(output),
            "--query-start-loc", P("qsl"), "--seq-lens", P("lens"), "--block-table", P("table"), "--engine", engine, "--quiet",
        };
        var run = Tool(Args("out", "cpu"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var reference = Tool(Args("expected", "reference"));
        Assert.True(reference.ExitCode == 0, reference.ToString());
        var output = NpyArray.Read(P("out"));
        Assert.Equal(new[] { 9, hq, d }, output.Shape);
        AssertClose(NpyArray.Read(P("expected")), output, type == "float32" ? 1e-5 : 2e-3);
    }

    [Fact]
    public void NotANpyFileIsOneLine()
    {
        File.WriteAllText(P("q"), "not numpy");
        Save("k", "float32", new Random(1), 1, 1, 4, 8);
        Save("v", "float32", new Random(2), 1, 1, 4, 8);
        AssertOneLineError(Tool("run", "dense", "--q", P("q"), "--k", P("k"), "--v", P("v"), "--out", P("out")),
            $"tensordsl: {P("q")}: not a NumPy .npy file (no \\x93NUMPY magic)");
        Assert.False(File.Exists(P("out")));
    }

    [Fact]
    public void ShapeMistakesAreOneLine()
    {
        var random = new Random(3);
        Save("q", "float32", random, 1, 4, 2, 16);
        Save("k", "float32", random, 1, 2, 3, 8);
        Save("v", "float32", random, 1, 2, 3, 8);
        Save("k3", "float32", random, 1, 3, 3, 16);
        Save("v3", "float32", random, 1, 3, 3, 16);
        Save("k16", "float32", random, 1, 2, 3, 16);
        Save("vshort", "float32", random, 1, 2, 2, 16);
        Save("h", "float16", random, 1, 2, 3, 16);
        Save("rank3", "float32", random, 4, 2, 16);

        AssertOneLineError(Tool("run", "dense", "--q", P("q"), "--k", P("k"), "--v", P("v"), "--out", P("out")),
            "tensordsl: the head size differs: q's D = 16 but k's D = 8");
        AssertOneLineError(Tool("run", "dense", "--q", P("q"), "--k", P("k3"), "--v", P("v3"), "--out", P("out")),
            "tensordsl: the query heads must be a multiple of the KV heads, but q has Hq = 4 and k has Hkv = 3");
        AssertOneLineError(Tool("run", "dense", "--q", P("q"), "--k", P("k16"), "--v", P("vshort"), "--out", P("out")),
            "tensordsl: --v has shape (1, 2, 2, 16) but must match --k (1, 2, 3, 16)");
        AssertOneLineError(Tool("run", "dense", "--q", P("q"), "--k", P("k16"), "--v", P("h"), "--out", P("out")),
            "tensordsl: q, k and v must have one element type, but q is float32, k float32 and v float16");
        AssertOneLineError(Tool("run", "dense", "--q", P("rank3"), "--k", P("k16"), "--v", P("k16"), "--out", P("out")),
            "tensordsl: --q has shape (4, 2, 16) but must be [B, Hq, Sq, D] (rank 4)");
        AssertOneLineError(Tool("run", "paged", "--q", P("rank3"), "--k", P("k16"), "--v", P("k16"), "--out", P("out")),
            "tensordsl: the block size differs: the kernel's BlockSize = 16 but k's block size = 2");
        Assert.False(File.Exists(P("out")));
    }

    [Fact]
    public void BadMetadataIsOneLine()
    {
        var random = new Random(4);
        Save("q", "float32", random, 2, 2, 8);
        Save("k", "float32", random, 2, 16, 1, 8);
        NpyArray.Create(new[] { 0, 2 }, 2).Write(P("qsl"));
        NpyArray.Create(new[] { 20 }, 1).Write(P("lens"));
        NpyArray.Create(new[] { 0 }, 1, 1).Write(P("table"));
        NpyArray.Create(new[] { 0f }, 1).Write(P("float-lens"));

        AssertOneLineError(Tool("run", "paged", "--q", P("q"), "--k", P("k"), "--v", P("k"), "--out", P("out")),
            "tensordsl: the paged kernel needs --query-start-loc (int32 or int64 vLLM metadata)");
        AssertOneLineError(Tool("run", "paged", "--q", P("q"), "--k", P("k"), "--v", P("k"), "--out", P("out"),
            "--query-start-loc", P("qsl"), "--seq-lens", P("float-lens"), "--block-table", P("table")),
            "tensordsl: --seq-lens is float32 but vLLM metadata must be int32 or int64");
        NpyArray.Create(new[] { 20L + uint.MaxValue }, 1).Write(P("huge-lens"));
        AssertOneLineError(Tool("run", "paged", "--q", P("q"), "--k", P("k"), "--v", P("k"), "--out", P("out"),
            "--query-start-loc", P("qsl"), "--seq-lens", P("huge-lens"), "--block-table", P("table")),
            "tensordsl: --seq-lens: element 0 is 4294967315, outside the int32 range the metadata uses");
        var tooLong = Tool("run", "paged", "--q", P("q"), "--k", P("k"), "--v", P("k"), "--out", P("out"),
            "--query-start-loc", P("qsl"), "--seq-lens", P("lens"), "--block-table", P("table"));
        AssertOneLineError(tooLong, null);
        Assert.Contains("tensordsl: Parameter 'seqLens', dimension [0]: expected ≤ 16", tooLong.StdErr, StringComparison.Ordinal);
        AssertOneLineError(Tool("run", "dense", "--q", P("q"), "--k", P("k"), "--v", P("k"), "--out", P("out"), "--seq-lens", P("lens")),
            "tensordsl: 'dense' is a dense kernel and takes no vLLM metadata (--query-start-loc, --seq-lens, --block-table)");
    }

    [Fact]
    public void BadCommandLinesExitWithTwo()
    {
        var unknown = Tool("run", "flash", "--q", "a", "--k", "b", "--v", "c", "--out", "d");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Argument 'flash' not recognized", unknown.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", unknown.StdErr, StringComparison.Ordinal);
        var missing = Tool("run", "dense");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("Option '--q' is required.", missing.StdErr, StringComparison.Ordinal);
        var engine = Tool("run", "dense", "--q", "a", "--k", "b", "--v", "c", "--out", "d", "--engine", "foo");
        Assert.Equal(2, engine.ExitCode);
        Assert.Contains("tensordsl: --engine 'foo': must be one of cpu, reference", engine.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("TensorDsl.Cli", engine.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void EnumOptionsShowTheirValuesAndTakeThemInAnyCase()
    {
        var help = Tool("run", "--help");
        Assert.Contains("--engine <cpu|reference>", help.StdOut, StringComparison.Ordinal);
        var random = new Random(5);
        Save("q", "float32", random, 1, 2, 3, 8);
        Save("k", "float32", random, 1, 2, 3, 8);
        var run = Tool("run", "dense", "--q", P("q"), "--k", P("k"), "--v", P("k"), "--out", P("out"), "--engine", "Reference", "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Theory]
    [InlineData]
    [InlineData("run")]
    [InlineData("kernels")]
    [InlineData("bench")]
    [InlineData("spyre")]
    [InlineData("spyre", "plan")]
    [InlineData("spyre", "emit")]
    public void EveryCommandHasHelp(params string[] command)
    {
        var help = Tool(command.Append("--help").ToArray());
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("Description:", help.StdOut, StringComparison.Ordinal);
        // The usage line names the command a user types, not the assembly (TensorDsl.Cli).
        var usage = help.StdOut.Split('\n').SkipWhile(line => line != "Usage:").Skip(1).First().Trim();
        Assert.StartsWith(string.Join(' ', command.Prepend("tensordsl")), usage, StringComparison.Ordinal);
        Assert.DoesNotContain("TensorDsl.Cli", help.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelsListsEveryBuiltIn()
    {
        var list = Tool("kernels");
        Assert.Equal(0, list.ExitCode);
        foreach (var name in new[] { "dense", "dense-causal", "sliding-window", "softcap", "paged", "paged-spyre" })
        {
            Assert.Contains(name + " ", list.StdOut, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void BenchRunsTheBenchProgramWithoutOnnxRuntime()
    {
        var bench = Tool("bench", "--smoke", "--cases", "D1", "--min-time", "0.05");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        Assert.Contains("TensorDsl.Bench --smoke", bench.StdOut, StringComparison.Ordinal);
        Assert.Contains("ONNX Runtime not run (--no-ort)", bench.StdOut, StringComparison.Ordinal);
        Assert.Contains("1 case(s) passed, 0 failed", bench.StdOut, StringComparison.Ordinal);
        Assert.Contains("bench/TensorDsl.Bench", Tool("bench", "--help").StdOut, StringComparison.Ordinal);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private string P(string name) => Path.Combine(_directory, name + ".npy");

    private void Save(string name, string type, Random random, params int[] shape)
    {
        var count = shape.Aggregate(1, (a, b) => a * b);
        var values = Enumerable.Range(0, count).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        (type == "float32" ? NpyArray.Create(values, shape) : NpyArray.Create(values.Select(x => (Half)x).ToArray(), shape)).Write(P(name));
    }

    private static void AssertClose(NpyArray expected, NpyArray actual, double tolerance)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = Floats(expected);
        var a = Floats(actual);
        for (var i = 0; i < e.Length; i++)
        {
            var bound = tolerance * Math.Max(1, Math.Abs(e[i]));
            Assert.True(Math.Abs(e[i] - a[i]) <= bound || (double.IsInfinity(e[i]) && e[i] == a[i]), $"element {i}: expected {e[i]} but got {a[i]}");
        }
    }

    private static double[] Floats(NpyArray array) => array.Type == NpyType.Float32
        ? array.AsFloat32().ToArray().Select(x => (double)x).ToArray()
        : array.AsFloat16().ToArray().Select(x => (double)x).ToArray();

    private static void AssertOneLineError(ToolResult result, string? line)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr:\n" + result.StdErr);
        Assert.StartsWith("tensordsl: ", lines[0], StringComparison.Ordinal);
        if (line is not null)
        {
            Assert.Equal(line, lines[0]);
        }
    }

    private sealed record ToolResult(int ExitCode, string StdOut, string StdErr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
    }

    private static readonly string ToolPath = Path.Combine(AppContext.BaseDirectory, "TensorDsl.Cli.dll");

    private static ToolResult Tool(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ToolPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("tensordsl " + string.Join(' ', arguments));
        }

        return new ToolResult(process.ExitCode, stdout.Result.Replace("\r\n", "\n"), stderr.Result.Replace("\r\n", "\n"));
    }
}
