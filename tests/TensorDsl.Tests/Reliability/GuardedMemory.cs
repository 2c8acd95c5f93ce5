using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace TensorDsl.Tests.Reliability;

/// <summary>Which end of a guarded buffer touches the inaccessible (PROT_NONE) page.</summary>
public enum GuardSide
{
    /// <summary>The last element ends exactly where the guard page begins: one element past the end faults.</summary>
    End,

    /// <summary>The first element starts exactly where the guard page ends: one element before the start faults.</summary>
    Start,
}

/// <summary>
/// Native buffers placed flush against a <c>PROT_NONE</c> page (Linux: mmap + mprotect through P/Invoke). Any read or
/// write one byte outside a buffer on its guarded side is a SIGSEGV that kills the test process, so a guarded run that
/// finishes proves the kernel stayed inside every span it was given. Inputs are made read-only after they are filled
/// (<see cref="Input{T}"/>), so a write into an input faults too. Every mapping is released on <see cref="Dispose"/>.
/// </summary>
public sealed unsafe class GuardedArena : IDisposable
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;

    private readonly List<(nint Address, nuint Length)> _mappings = new();

    public GuardedArena(GuardSide side) => Side = side;

    public GuardSide Side { get; }

    /// <summary>Null when guard pages work here; otherwise why the tests skip (anything but Linux).</summary>
    public static string? Unsupported =>
        OperatingSystem.IsLinux() ? null : "guard pages use Linux mmap/mprotect through P/Invoke; this OS is not Linux";

    public static int PageSize => Environment.SystemPageSize;

    /// <summary>A writable buffer holding a copy of <paramref name="contents"/>, flush against the guard page.</summary>
    public Span<T> Output<T>(ReadOnlySpan<T> contents)
        where T : unmanaged
    {
        var span = Allocate<T>(contents.Length, out _, out _);
        contents.CopyTo(span);
        return span;
    }

    /// <summary>A read-only buffer holding a copy of <paramref name="contents"/>, flush against the guard page.</summary>
    public ReadOnlySpan<T> Input<T>(ReadOnlySpan<T> contents)
        where T : unmanaged
    {
        var span = Allocate<T>(contents.Length, out var dataPages, out var dataLength);
        contents.CopyTo(span);
        Protect(dataPages, dataLength, ProtRead);
        return span;
    }

    /// <summary>Read-only metadata (block table, seq_lens, …) as the <see cref="ReadOnlyMemory{T}"/> a batch holds.</summary>
    public ReadOnlyMemory<int> Metadata(ReadOnlySpan<int> contents)
    {
        var span = Input(contents);
        fixed (int* pointer = span)
        {
            return new NativeMemoryManager<int>(pointer, span.Length).Memory;
        }
    }

    /// <summary>Writable metadata as <see cref="Memory{T}"/>: a test may change it after a batch holds it.</summary>
    public Memory<int> WritableMetadata(ReadOnlySpan<int> contents)
    {
        var span = Output(contents);
        fixed (int* pointer = span)
        {
            return new NativeMemoryManager<int>(pointer, span.Length).Memory;
        }
    }

    private Span<T> Allocate<T>(int count, out nint dataPages, out nuint dataLength)
        where T : unmanaged
    {
        int page = PageSize;
        long bytes = (long)count * sizeof(T);
        long pages = Math.Max(1, (bytes + page - 1) / page);
        nuint total = (nuint)((pages + 1) * page);
        nint address = Mmap(0, total, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (address == -1)
        {
            throw new InvalidOperationException($"mmap of {total} bytes failed: errno {Marshal.GetLastPInvokeError()}.");
        }

        _mappings.Add((address, total));
        dataLength = (nuint)(pages * page);
        nint guard;
        byte* start;
        if (Side == GuardSide.End)
        {
            dataPages = address;
            guard = address + (nint)dataLength;
            start = (byte*)guard - bytes;
        }
        else
        {
            guard = address;
            dataPages = address + page;
            start = (byte*)dataPages;
        }

        Protect(guard, (nuint)page, ProtNone);
        return new Span<T>(start, count);
    }

    private static void Protect(nint address, nuint length, int protection)
    {
        if (Mprotect(address, length, protection) != 0)
        {
            throw new InvalidOperationException($"mprotect failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    public void Dispose()
    {
        foreach (var (address, length) in _mappings)
        {
            Munmap(address, length);
        }

        _mappings.Clear();
    }

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static extern int Mprotect(nint address, nuint length, int protection);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(nint address, nuint length);

    /// <summary>Memory over native memory that is never moved (the arena owns it); pinning is a no-op.</summary>
    private sealed class NativeMemoryManager<T> : MemoryManager<T>
        where T : unmanaged
    {
        private readonly T* _pointer;
        private readonly int _length;

        public NativeMemoryManager(T* pointer, int length)
        {
            _pointer = pointer;
            _length = length;
        }

        public override Span<T> GetSpan() => new(_pointer, _length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
