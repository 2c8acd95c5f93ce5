using System;
using System.Collections.Generic;
using static System.FormattableString;

namespace TensorDsl.Spyre;

/// <summary>
/// The device inputs of one vLLM step (<see cref="SpyreHost.PrepareStep"/>): up to
/// <see cref="SpyreStepBuckets.MaxLaunches"/> launches, each a <see cref="SpyreInputs"/> of one of the plan's variants.
/// The buffers are reused across steps.
/// </summary>
public sealed class SpyreStepInputs
{
    private readonly SpyreInputs[] _launches = { new(), new(), new() };

    /// <summary>The launches of the last prepared step, in the schedule's order.</summary>
    public IReadOnlyList<SpyreLaunch> Schedule { get; private set; } = Array.Empty<SpyreLaunch>();

    public int Count => Schedule.Count;

    public SpyreInputs this[int launch] => (uint)launch < (uint)Count ? _launches[launch] : throw new ArgumentOutOfRangeException(nameof(launch));

    /// <summary>Bytes sent to the device for the whole step.</summary>
    public long BytesToDevice()
    {
        long total = 0;
        for (int i = 0; i < Count; i++) total += _launches[i].BytesToDevice();
        return total;
    }

    internal SpyreInputs Launch(int index) => _launches[index];

    internal void SetSchedule(IReadOnlyList<SpyreLaunch> schedule) => Schedule = schedule;
}

public static partial class SpyreHost
{
    /// <summary>
    /// Prepares one vLLM step — any mix of decodes, chunked prefills and prefills — as the launches
    /// <paramref name="buckets"/> schedules for it (docs/spyre.md#the-step-plan), each filled like
    /// <see cref="Prepare"/> fills a batch. Everything is validated, and the step scheduled, before any buffer changes: a
    /// step beyond the plan's limits throws a <see cref="ShapeException"/> naming the limit.
    /// </summary>
    public static SpyreStepInputs PrepareStep(SpyreKernelSpec spec, SpyreStepBuckets buckets, ReadOnlySpan<Half> query, ReadOnlySpan<Half> kvCache, PagedBatch batch, SpyreStepInputs? into = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(buckets);
        ArgumentNullException.ThrowIfNull(batch);
        int blocks = CacheBlocks(spec, kvCache.Length);
        batch.Validate(blocks, spec.BlockSize);
        long qExpected = (long)batch.NumTokens * spec.QueryHeads * spec.HeadSize;
        if (query.Length != qExpected)
        {
            throw new ShapeException("query", "length", Invariant($"T {batch.NumTokens} × Hq {spec.QueryHeads} × D {spec.HeadSize} = {qExpected}"), query.Length);
        }

        int n = batch.NumSequences;
        var queryLens = new int[n];
        var starts = batch.QueryStartLoc.Span;
        for (int s = 0; s < n; s++) queryLens[s] = starts[s + 1] - starts[s];
        var schedule = buckets.Schedule(queryLens, batch.SeqLens.Span);

        foreach (var launch in schedule)
        {
            SpyreInputs.CheckSize(spec, launch.Variant.Batch, launch.Variant.Qp, launch.Variant.L); // before any buffer changes
        }

        var step = into ?? new SpyreStepInputs();
        for (int i = 0; i < schedule.Count; i++)
        {
            var (variant, members) = (schedule[i].Variant, schedule[i].Sequences);
            Fill(spec, query, kvCache, batch, members, variant.Batch, variant.Qp, variant.L, step.Launch(i));
        }

        step.SetSchedule(schedule);
        return step;
    }

    /// <summary>The way back for a step: each launch's program output into its tokens' rows of flat <c>[T, Hq, D]</c>.</summary>
    public static void UnpackStep(SpyreStepInputs step, IReadOnlyList<Half[]> programOutputs, Span<Half> output)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(programOutputs);
        if (programOutputs.Count != step.Count)
        {
            throw new ShapeException("programOutputs", "count", Invariant($"{step.Count} (one per launch)"), programOutputs.Count);
        }

        for (int i = 0; i < step.Count; i++)
        {
            Unpack(step[i], programOutputs[i], output);
        }
    }
}
