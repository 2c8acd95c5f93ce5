using System;
using System.Threading;

namespace TensorDsl;

/// <summary>
/// Process-wide settings of the generated CPU kernels. Results do not depend on them: every kernel splits its work
/// into the same pieces whatever the thread count, so outputs are bitwise identical for any value (see
/// docs/design.md, "Threads and determinism").
/// </summary>
public static class AttentionOptions
{
    private static int _threadCount = Environment.ProcessorCount;
    private static long _minParallelFlops = 1_000_000;

    /// <summary>
    /// The most threads one kernel call uses, the calling thread included; 1 runs every call on the caller.
    /// Defaults to <see cref="Environment.ProcessorCount"/>. Small calls use fewer threads than this when handing
    /// work to another thread would cost more than it saves.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public static int ThreadCount
    {
        get => Volatile.Read(ref _threadCount);
        set
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The thread count must be at least 1.");
            }

            Volatile.Write(ref _threadCount, value);
        }
    }

    /// <summary>
    /// The vector width the CPU kernels run at in this process: the widest the hardware accelerates, unless the
    /// runtime's <c>DOTNET_EnableAVX512=0</c>-style switches turn paths off (or, in tests, <c>TENSORDSL_CPU_PATH</c>
    /// forces one; docs/design.md, "Vector paths").
    /// </summary>
    public static CpuVectorPath VectorPath => VectorPaths.Active;

    /// <summary>
    /// Calls estimated below this many FLOPs run on the calling thread alone, whatever <see cref="ThreadCount"/> says:
    /// handing work to another thread costs a few microseconds, more than a short decode gains from it. The default
    /// (1 million, a one-sequence decode over about 64 keys at D1's shapes) comes from the benchmark's hand-off table
    /// (docs/benchmarks.md); 0 always spreads the work.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static long MinParallelFlops
    {
        get => Volatile.Read(ref _minParallelFlops);
        set
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The FLOP threshold must be at least 0.");
            }

            Volatile.Write(ref _minParallelFlops, value);
        }
    }
}
