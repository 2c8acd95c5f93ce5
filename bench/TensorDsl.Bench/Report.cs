using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TensorDsl.Bench.Cases;
using TensorDsl.Bench.Harness;

namespace TensorDsl.Bench;

/// <summary>The results as a Markdown table (console) and as a JSON array of records (<c>--json</c>).</summary>
internal static class Report
{
    public static void PrintTable(IReadOnlyList<CaseResult> results, MachineLimits limits, TextWriter writer)
    {
        writer.WriteLine(
            $"Threads {limits.Threads}; kernels' path {MachineLimits.Path}; peak {limits.PeakGflops:F1} GFLOP/s ({MachineLimits.Describe}), " +
            $"read bandwidth {limits.ReadGBps:F1} GB/s (best trials, slowest {limits.LowestGflops:F1} GFLOP/s and {limits.LowestGBps:F1} GB/s)");
        writer.WriteLine();
        writer.WriteLine("| case | ms | GFLOP/s | pct | roofline ms (% reached) | ORT ms | ORT GFLOP/s | vs_ort | fastest call: ours / ORT ms | max abs err vs ORT |");
        writer.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            string pct = r.Pct(limits) is { } p
                ? r.Bound == Bound.FmaPeak ? $"{p:F1}% of {(MachineLimits.Fused ? "FMA" : "mul+add")} peak" : $"{p:F1}% of read BW ({r.GBps:F1} GB/s)"
                : "—";
            string ms = r.Ours is { } ours ? Number(ours.MedianMs) : r.OursNote is null ? "error" : "skipped";
            string ortMs = r.Ort is { } ort ? Number(ort.MedianMs) : r.OrtNote is null ? "error" : "n/a";
            string roofline = r.RooflineMs(limits) is { } floor
                ? $"{Number(floor)} ({(r.RooflinePct(limits) is { } reached ? reached.ToString("F1", CultureInfo.InvariantCulture) + "%" : "—")})"
                : "—";
            writer.WriteLine(
                $"| {r.Case} | {ms} | {Opt(r.Gflops, "F2")} | {pct} | {roofline} | {ortMs} | {Opt(r.OrtGflops, "F2")} | " +
                $"{Opt(r.VsOrt, "F2")} | {(r.Ours is { } o ? Number(o.MinMs) : "—")} / {(r.Ort is { } t ? Number(t.MinMs) : "—")} | " +
                $"{(r.OrtError is { } e ? e.ToString("E1", CultureInfo.InvariantCulture) : "—")} |");
        }

        // A median far above the fastest call means the machine's load moved while the case ran: its numbers say
        // more about the neighbours than about the kernels.
        foreach (var r in results)
        {
            if (r.Noisy)
            {
                writer.WriteLine(
                    $"NOISY {r.Case}: median / fastest call {Spread(r.Ours)} ours, {Spread(r.Ort)} ONNX Runtime " +
                    $"(above {CaseResult.NoisyRatio:F2}): compare fastest calls, or rerun with --cases {r.Case}");
            }
        }

        PrintPeers(results, writer);

        writer.WriteLine();
        foreach (var r in results)
        {
            writer.WriteLine($"{r.Case}: {r.Description}");
            writer.WriteLine($"      ORT: {(r.OrtNote is null ? r.OrtPlan : "n/a (" + r.OrtNote + ")")}");
            foreach (var peer in r.Peers)
            {
                writer.WriteLine($"      {peer.Peer}: {peer.Plan ?? "n/a"}{(peer.Note is null ? "" : " (" + peer.Note + ")")}");
            }

            if (r.Error is not null)
            {
                writer.WriteLine($"      ERROR: {r.Error}");
            }
        }

        writer.WriteLine();
    }

    /// <summary>
    /// With peers (bench/TensorDsl.Bench.Torch), a second table: every side's median and fastest call, and each
    /// peer's median over ours (above 1: we are faster) and over ONNX Runtime's. Nothing without peers.
    /// </summary>
    private static void PrintPeers(IReadOnlyList<CaseResult> results, TextWriter writer)
    {
        var names = new List<string>();
        foreach (var r in results)
        {
            foreach (var peer in r.Peers)
            {
                if (!names.Contains(peer.Peer))
                {
                    names.Add(peer.Peer);
                }
            }
        }

        if (names.Count == 0)
        {
            return;
        }

        writer.WriteLine();
        var header = new StringBuilder("| case | ours ms | ORT ms | vs_ort |");
        var rule = new StringBuilder("| --- | ---: | ---: | ---: |");
        foreach (var name in names)
        {
            header.Append($" {name} ms | vs_{name} | {name} / ORT | {name} fastest ms | {name} max abs err vs ours |");
            rule.Append(" ---: | ---: | ---: | ---: | ---: |");
        }

        writer.WriteLine(header);
        writer.WriteLine(rule);
        foreach (var r in results)
        {
            var line = new StringBuilder(
                $"| {r.Case} | {(r.Ours is { } o ? Number(o.MedianMs) : "—")} | {(r.Ort is { } t ? Number(t.MedianMs) : "—")} | {Opt(r.VsOrt, "F2")} |");
            foreach (var name in names)
            {
                var peer = r.Peers.FirstOrDefault(p => p.Peer == name);
                double? ms = peer?.Timing?.MedianMs;
                line.Append(
                    $" {(ms is { } m ? Number(m) : peer?.Note is null ? "—" : "error")} | {Opt(ms / r.Ours?.MedianMs, "F2")} | " +
                    $"{Opt(ms / r.Ort?.MedianMs, "F2")} | {(peer?.Timing is { } pt ? Number(pt.MinMs) : "—")} | " +
                    $"{(peer?.Error is { } e ? e.ToString("E1", CultureInfo.InvariantCulture) : "—")} |");
            }

            writer.WriteLine(line);
        }

        writer.WriteLine($"vs_<peer> = peer median / ours (above 1: we are faster); <peer> / ORT = peer median / ONNX Runtime's.");
        foreach (var r in results)
        {
            foreach (var peer in r.Peers)
            {
                if (peer.Noisy)
                {
                    writer.WriteLine(
                        $"NOISY {r.Case}: median / fastest call {Spread(peer.Timing)} {peer.Peer} (above {CaseResult.NoisyRatio:F2})");
                }
            }
        }
    }

    /// <summary>
    /// One record per case: <c>case</c>, <c>gflops</c>, <c>pct</c>, <c>vs_ort</c> (null where a side did not run)
    /// and the numbers behind them.
    /// </summary>
    public static void WriteJson(IReadOnlyList<CaseResult> results, MachineLimits limits, string path)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var r in results)
        {
            json.WriteStartObject();
            json.WriteString("case", r.Case);
            json.WriteString("description", r.Description);
            Write(json, "ms", r.Ours?.MedianMs);
            Write(json, "ms_min", r.Ours?.MinMs);
            Write(json, "gflops", r.Gflops);
            Write(json, "pct", r.Pct(limits));
            json.WriteString("pct_of", r.Bound == Bound.FmaPeak ? "fma_peak" : "read_bandwidth");
            Write(json, "kv_gbps", r.GBps);
            Write(json, "ort_ms", r.Ort?.MedianMs);
            Write(json, "ort_ms_min", r.Ort?.MinMs);
            Write(json, "ort_gflops", r.OrtGflops);
            Write(json, "vs_ort", r.VsOrt);
            Write(json, "roofline_ms", r.RooflineMs(limits));
            Write(json, "roofline_pct", r.RooflinePct(limits));
            json.WriteBoolean("noisy", r.Noisy);
            Write(json, "ort_max_abs_err", r.OrtError);
            Write(json, "ref_max_abs_err", r.ReferenceError);
            json.WriteNumber("flops", r.Flops);
            json.WriteNumber("kv_bytes", r.KvBytes);
            json.WriteNumber("reps", r.Ours?.Reps ?? 0);
            json.WriteNumber("ort_reps", r.Ort?.Reps ?? 0);
            json.WriteNumber("threads", r.Threads);
            Write(json, "fma_peak_gflops", limits.PeakGflops);
            Write(json, "read_gbps", limits.ReadGBps);
            json.WriteNumber("vector_bits", limits.VectorBits);
            json.WriteString("ort_op", r.OrtPlan);
            Write(json, "skipped", r.OursNote);
            Write(json, "ort_skipped", r.OrtNote);
            Write(json, "error", r.Error);
            if (r.Peers.Count > 0)
            {
                json.WriteStartArray("peers");
                foreach (var peer in r.Peers)
                {
                    json.WriteStartObject();
                    json.WriteString("peer", peer.Peer);
                    Write(json, "ms", peer.Timing?.MedianMs);
                    Write(json, "ms_min", peer.Timing?.MinMs);
                    json.WriteNumber("reps", peer.Timing?.Reps ?? 0);
                    Write(json, "vs_ours", peer.Timing?.MedianMs / r.Ours?.MedianMs);
                    Write(json, "max_abs_err", peer.Error);
                    Write(json, "plan", peer.Plan);
                    Write(json, "note", peer.Note);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number && double.IsFinite(number))
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Write(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static string Spread(Timing? timing) =>
        timing is null ? "—" : "×" + (timing.MedianMs / timing.MinMs).ToString("F2", CultureInfo.InvariantCulture);

    private static string Number(double ms) => ms >= 100 ? ms.ToString("F0", CultureInfo.InvariantCulture) : ms.ToString("F3", CultureInfo.InvariantCulture);

    private static string Opt(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
}
