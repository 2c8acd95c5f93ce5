using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace TensorDsl.Cpu.Parallel;

/// <summary>
/// Runs <c>count</c> independent items on the calling thread plus up to <c>threads − 1</c> thread-pool helpers,
/// which take items from one shared counter (dynamic scheduling: a helper that starts late simply finds fewer
/// items). Nothing is allocated per call once the helpers exist. Which thread runs an item never changes what the
/// item computes, so results do not depend on the thread count.
/// </summary>
/// <remarks>
/// A helper the pool has not started by the time the caller has drained the items is withdrawn instead of waited
/// for, so a starved pool (every pool thread busy, e.g. inside other kernel calls) costs parallelism, never a
/// deadlock. An exception in any item stops the remaining items and is rethrown on the caller.
/// </remarks>
internal abstract class ParallelJob
{
    private Helper[] _helpers = Array.Empty<Helper>();
    private int _next;
    private int _count;
    private ExceptionDispatchInfo? _error;

    /// <summary>Runs item <paramref name="index"/>; called once per item, on any participating thread.</summary>
    protected abstract void RunItem(int index);

    public void Run(int count, int threads)
    {
        _next = 0;
        _count = count;
        _error = null;
        int helpers = Math.Max(0, Math.Min(threads, count) - 1);
        EnsureHelpers(helpers);
        for (int i = 0; i < helpers; i++)
        {
            _helpers[i].Queue();
        }

        Drain();
        for (int i = 0; i < helpers; i++)
        {
            _helpers[i].WithdrawOrWait();
        }

        _error?.Throw();
    }

    private void Drain()
    {
        try
        {
            int index;
            while ((index = Interlocked.Increment(ref _next) - 1) < _count)
            {
                RunItem(index);
            }
        }
        catch (Exception error)
        {
            Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(error), null);
            Volatile.Write(ref _next, int.MaxValue / 2); // the others stop after their current item
        }
    }

    private void EnsureHelpers(int count)
    {
        if (_helpers.Length < count)
        {
            int old = _helpers.Length;
            Array.Resize(ref _helpers, count);
            for (int i = old; i < count; i++)
            {
                _helpers[i] = new Helper(this);
            }
        }
    }

    /// <summary>
    /// One helper: Idle → Queued → Running → Done. A helper withdrawn while still in the pool's queue
    /// (Queued → Withdrawn) is re-armed by the next call (Withdrawn → Queued) rather than queued twice; when the pool
    /// finally runs a withdrawn helper it goes back to Idle. Every transition is one compare-exchange, so the pool
    /// thread and the caller never both believe they own it.
    /// </summary>
    private sealed class Helper : IThreadPoolWorkItem
    {
        private const int Idle = 0, Queued = 1, Running = 2, Done = 3, Withdrawn = 4;
        private readonly ParallelJob _job;
        private readonly ManualResetEventSlim _finished = new(false);
        private int _state;

        public Helper(ParallelJob job) => _job = job;

        public void Queue()
        {
            _finished.Reset();
            if (Interlocked.CompareExchange(ref _state, Queued, Withdrawn) == Withdrawn)
            {
                return; // still in the pool's queue from an earlier call: it will run for this one
            }

            // Idle or Done: nobody else touches the state now.
            Volatile.Write(ref _state, Queued);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        public void WithdrawOrWait()
        {
            if (Interlocked.CompareExchange(ref _state, Withdrawn, Queued) == Queued)
            {
                return;
            }

            _finished.Wait();
        }

        public void Execute()
        {
            while (true)
            {
                int state = Volatile.Read(ref _state);
                if (state == Withdrawn && Interlocked.CompareExchange(ref _state, Idle, Withdrawn) == Withdrawn)
                {
                    return;
                }

                if (state == Queued && Interlocked.CompareExchange(ref _state, Running, Queued) == Queued)
                {
                    break;
                }
            }

            _job.Drain();
            Volatile.Write(ref _state, Done);
            _finished.Set();
        }
    }
}
