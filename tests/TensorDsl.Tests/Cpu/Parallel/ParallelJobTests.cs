using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TensorDsl.Cpu.Parallel;

namespace TensorDsl.Tests.Cpu.Parallel;

/// <summary>
/// <see cref="ParallelJob"/>: the caller plus thread-pool helpers drawing items from one counter. Every item runs
/// exactly once for any count and thread count (including reuse of one job, whose helpers are re-armed or withdrawn
/// between calls); an item's exception reaches the caller and leaves the job usable; concurrent callers with their own
/// jobs do not interfere; and calls made from pool threads while the pool is saturated finish (helpers the pool has not
/// started are withdrawn, never waited for).
/// </summary>
[Collection(ProcessWideCollection.Name)]
public sealed class ParallelJobTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Correct code needs well under a second; a caller that waits for unstarted helpers never finishes.</summary>
    private static readonly TimeSpan SaturationDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Counts each item's runs and the threads that ran them; can throw at one item or on helper threads.</summary>
    private sealed class RecordingJob : ParallelJob
    {
        public int[] Runs = Array.Empty<int>();
        public int ThrowAt = -1;
        public bool ThrowOnHelpers;
        public int Caller;
        public int SpinPerItem;
        public int ItemsOnHelpers;

        public void Start(int count, int threads)
        {
            Runs = new int[count];
            Caller = Environment.CurrentManagedThreadId;
            ItemsOnHelpers = 0;
            Run(count, threads);
        }

        protected override void RunItem(int index)
        {
            Interlocked.Increment(ref Runs[index]);
            if (SpinPerItem > 0) Thread.SpinWait(SpinPerItem);
            bool helper = Environment.CurrentManagedThreadId != Caller;
            if (helper) Interlocked.Increment(ref ItemsOnHelpers);
            if (index == ThrowAt) throw new InvalidOperationException($"item {index} failed");
            if (helper && ThrowOnHelpers) throw new ArithmeticException($"item {index} failed on a helper thread");
        }

        public void AssertEachRanOnce(string at)
        {
            for (int i = 0; i < Runs.Length; i++)
            {
                if (Runs[i] != 1) Assert.Fail($"{at}: item {i} ran {Runs[i]} times");
            }
        }
    }

    [Fact]
    public void Every_item_runs_exactly_once_for_every_count_and_thread_count()
    {
        var reused = new RecordingJob();
        foreach (int count in new[] { 0, 1, 2, 1000 })
        for (int threads = 1; threads <= 8; threads++)
        {
            var fresh = new RecordingJob();
            fresh.Start(count, threads);
            fresh.AssertEachRanOnce($"fresh job, count {count}, threads {threads}");

            reused.Start(count, threads);
            reused.AssertEachRanOnce($"reused job, count {count}, threads {threads}");
        }
    }

    [Fact]
    public void A_reused_job_survives_many_short_calls_with_changing_helper_counts()
    {
        // Short calls end before most helpers start, so helpers are withdrawn while still queued and re-armed by a
        // later call (or left idle by one with fewer helpers): the state machine's every transition is exercised.
        var job = new RecordingJob();
        var random = new Random(5);
        for (int call = 0; call < 3000; call++)
        {
            int count = random.Next(0, 12), threads = random.Next(1, 9);
            job.Start(count, threads);
            job.AssertEachRanOnce($"call {call}, count {count}, threads {threads}");
        }
    }

    [Fact]
    public void An_exception_in_an_item_is_rethrown_on_the_caller_and_the_job_stays_usable()
    {
        var job = new RecordingJob { ThrowAt = 500, SpinPerItem = 20 };
        var e = Assert.Throws<InvalidOperationException>(() => job.Start(1000, 4));
        Assert.Equal("item 500 failed", e.Message);
        Assert.Equal(1, job.Runs[500]);
        Assert.All(job.Runs, n => Assert.InRange(n, 0, 1)); // stopped early perhaps, never repeated

        job.ThrowAt = -1;
        for (int threads = 1; threads <= 8; threads++)
        {
            job.Start(1000, threads);
            job.AssertEachRanOnce($"after the exception, threads {threads}");
        }
    }

    [Fact]
    public void An_exception_on_a_helper_thread_reaches_the_caller()
    {
        var job = new RecordingJob { ThrowOnHelpers = true, SpinPerItem = 2000 };
        // A helper must take part for the exception to exist; with 2000 slow items it nearly always does at once, so
        // a few attempts make the test deterministic in practice.
        for (int attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                job.Start(2000, 4);
            }
            catch (ArithmeticException e)
            {
                Assert.Contains("on a helper thread", e.Message);
                job.ThrowOnHelpers = false;
                job.Start(100, 4);
                job.AssertEachRanOnce("after a helper's exception");
                return;
            }

            Assert.Equal(0, job.ItemsOnHelpers); // no exception is only acceptable when no helper ran an item
        }

        Assert.Fail("no helper thread took part in 20 calls of 2000 items: the exception path was never exercised");
    }

    [Fact]
    public void Concurrent_callers_with_their_own_jobs_all_finish_correctly()
    {
        var failures = new ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            try
            {
                var job = new RecordingJob();
                var random = new Random(t);
                for (int call = 0; call < 150; call++)
                {
                    int count = random.Next(0, 400), n = random.Next(1, 9);
                    job.Start(count, n);
                    job.AssertEachRanOnce($"caller {t}, call {call}, count {count}, threads {n}");
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e.Message);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        foreach (var t in threads) Assert.True(t.Join(Deadline), "a caller did not finish within the deadline (deadlock?)");
        Assert.Empty(failures);
    }

    [Fact]
    public void Calls_from_a_saturated_thread_pool_finish()
    {
        // 64 pool work items each run a job with 4 threads, with the pool capped at two workers beyond those it has (the
        // test runner's own included) so it cannot grow its way out: every caller's helpers queue behind other callers
        // and most never start while it runs. A caller that waited for such a helper would block a worker the helper
        // needs, for ever; a caller that withdraws them finishes its items alone. The cap is lifted before the test ends.
        ThreadPool.GetMaxThreads(out int maxWorkers, out int maxIo);
        bool capped = ThreadPool.SetMaxThreads(Math.Max(Environment.ProcessorCount, ThreadPool.ThreadCount + 2), maxIo);
        try
        {
            var tasks = Enumerable.Range(0, 64).Select(t => Task.Run(() =>
            {
                var job = new RecordingJob { SpinPerItem = 200 };
                for (int call = 0; call < 5; call++)
                {
                    job.Start(64, 4);
                    job.AssertEachRanOnce($"task {t}, call {call}");
                }
            })).ToArray();
            // Waited on without the pool (a timer or continuation would need a worker the deadlock holds).
            var all = Task.WhenAll(tasks);
            bool finished = ((IAsyncResult)all).AsyncWaitHandle.WaitOne(SaturationDeadline);
            Assert.True(finished, $"calls made from a saturated pool (capped: {capped}) did not finish within {SaturationDeadline.TotalSeconds} s");
            Assert.Null(all.Exception);
        }
        finally
        {
            ThreadPool.SetMaxThreads(maxWorkers, maxIo);
        }
    }
}
