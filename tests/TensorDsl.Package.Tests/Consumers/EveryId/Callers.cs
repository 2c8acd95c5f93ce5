using System;
using TensorDsl;

namespace Consumer.EveryId;

// A user's code that calls kernels of this set. It is correct C#, so it must compile without any diagnostic of its
// own: a kernel whose declaration has a TDSL error still gets the entry points a caller uses (docs/diagnostics/README.md;
// stubs that throw the diagnostic's text), so the user sees the one TDSL error, not a follow-on
// "CS0117: 'Gqa' does not contain a definition for 'Run'". A warning-only kernel keeps the entry points its targets
// still lower (the CPU's Run, and Reference whatever the targets). Never run: only built.
public static class Callers
{
    public static void CallKernelsWithErrors(int b, int sq, int sk)
    {
        // TDSL0007: q [B, 32, Sq, 128], k and v [B, 8, Sk, 96]; run-time sizes B, Sq, Sk.
        var q7 = new float[b * 32 * sq * 128];
        var kv7 = new float[b * 8 * sk * 96];
        var o7 = new float[q7.Length];
        Tdsl0007.Gqa.Run(q7, kv7, kv7, o7, b, sq, sk);
        Tdsl0007.Gqa.Reference(q7, kv7, kv7, o7, b, sq, sk);

        // TDSL0010: q, k, v [B, 8, S, 64].
        var q10 = new float[b * 8 * sq * 64];
        var kv10 = new float[b * 8 * sk * 64];
        var o10 = new float[q10.Length];
        Tdsl0010.Gqa.Run(q10, kv10, kv10, o10, b, sq, sk);
        Tdsl0010.Gqa.Reference(q10, kv10, kv10, o10, b, sq, sk);

        // TDSL0012: q [B, 6, Sq, 64], k and v [B, 4, Sk, 64].
        var q12 = new float[b * 6 * sq * 64];
        var kv12 = new float[b * 4 * sk * 64];
        var o12 = new float[q12.Length];
        Tdsl0012.Gqa.Run(q12, kv12, kv12, o12, b, sq, sk);
        Tdsl0012.Gqa.Reference(q12, kv12, kv12, o12, b, sq, sk);

        // TDSL0013: q and k [B, 8, S, 64], v [B, 4, Sk, 64].
        var q13 = new float[b * 8 * sq * 64];
        var k13 = new float[b * 8 * sk * 64];
        var v13 = new float[b * 4 * sk * 64];
        var o13 = new float[q13.Length];
        Tdsl0013.Gqa.Run(q13, k13, v13, o13, b, sq, sk);
        Tdsl0013.Gqa.Reference(q13, k13, v13, o13, b, sq, sk);
    }

    public static void CallKernelsWithWarnings(int b, int sq, int sk, PagedBatch batch, int tokens, int blocks)
    {
        // TDSL0015 (Spyre cannot lower it): the CPU's Run and Reference are there.
        var q15 = new Half[b * 32 * sq * 128];
        var kv15 = new Half[b * 8 * sk * 128];
        var o15 = new Half[q15.Length];
        Tdsl0015.Gqa.Run(q15, kv15, kv15, o15, b, sq, sk);
        Tdsl0015.Gqa.Reference(q15, kv15, kv15, o15, b, sq, sk);

        // TDSL0031 (a Spyre-only kernel Spyre cannot lower): Reference is there.
        var q31 = new Half[tokens * 8 * 96];
        var kv31 = new Half[blocks * 16 * 2 * 96];
        var o31 = new Half[q31.Length];
        Tdsl0031.Paged.Reference(q31, kv31, kv31, o31, batch);
    }
}
