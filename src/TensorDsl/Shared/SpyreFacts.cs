// Compiled into the runtime and into the generator and analyzers (TENSORDSL_FRONTEND), so the attribute's defaults,
// the analyzer's rules (TDSL0031, TDSL0033) and the runtime's checks are one definition (docs/design.md,
// "Where does X live").
using System.Numerics;

#if TENSORDSL_FRONTEND
namespace TensorDsl.FrontEnd.Model;
#else
namespace TensorDsl.Spyre;
#endif

/// <summary>The Spyre target's fixed numbers: its stick and the default buckets of the reference design.</summary>
internal static class SpyreFacts
{
    /// <summary>fp16 elements in one 128-byte stick, the device's innermost unit: D and the KV bucket are multiples of it.</summary>
    public const int StickElements = 64;

    /// <summary>The reference design's KV bucket: L padded to a multiple of 256.</summary>
    public const int DefaultKvBucket = 256;

    /// <summary>The reference design's query padding: each sequence's rows padded to a multiple of 32.</summary>
    public const int DefaultQueryPadding = 32;

    /// <summary>
    /// Why <paramref name="kvBucket"/> cannot be a KV bucket for pages of <paramref name="blockSize"/> tokens, or null:
    /// L is the mask's stick dimension (whole sticks) and is gathered in whole pages.
    /// </summary>
    public static string? KvBucketProblem(int kvBucket, long blockSize) =>
        kvBucket > 0 && kvBucket % StickElements == 0 && kvBucket % blockSize == 0
            ? null
            : $"must be a positive multiple of {StickElements} (the mask's stick dimension holds L) and of BlockSize = {blockSize} (whole pages per bucket)";

    /// <summary>
    /// Static shapes the reference bucketing (exact batch sizes, Qp a multiple of the query padding, L of the KV bucket)
    /// compiles for the serving limits: batch sizes × the (Qp, L) pairs a batch can produce. The runtime's
    /// <c>SpyreBucketing.Plan(...)</c> enumerates exactly these shapes (a test holds its count to this one). In closed form, so
    /// the analyzer (TDSL0035) stays fast on any attribute values (it runs on every keystroke); exact in big integers and
    /// saturated at <see cref="long.MaxValue"/>.
    /// </summary>
    public static long VariantCount(int maxNumSeqs, int maxModelLen, int kvBucket, int queryPadding)
    {
        if (maxNumSeqs <= 0 || maxModelLen <= 0 || kvBucket <= 0 || queryPadding <= 0)
        {
            return 0;
        }

        // The shortest query length runs over s_j = 1 + j·p for j < J; L over b, 2b, … K·b; the pair exists when
        // s_j ≤ L, i.e. for K − ceil(s_j / b) + 1 values of L, and ceil((1 + j·p) / b) = 1 + floor(j·p / b). Summed:
        // pairs = J·K − Σ_j floor(j·p / b).
        BigInteger p = queryPadding, b = kvBucket, m = maxModelLen;
        var terms = (m - 1) / p + 1;
        var kvCount = (m + b - 1) / b;
        var pairs = terms * kvCount - FloorSum(terms, b, p, 0);
        var count = maxNumSeqs * pairs;
        return count > long.MaxValue ? long.MaxValue : (long)count;
    }

    /// <summary>Σ_{i &lt; n} floor((a·i + c) / m) for n, a, c ≥ 0 and m &gt; 0, in O(log) steps (the Euclid-like reduction).</summary>
    private static BigInteger FloorSum(BigInteger n, BigInteger m, BigInteger a, BigInteger c)
    {
        BigInteger sum = 0;
        while (true)
        {
            if (a >= m)
            {
                sum += n * (n - 1) / 2 * (a / m);
                a %= m;
            }

            if (c >= m)
            {
                sum += n * (c / m);
                c %= m;
            }

            var last = a * n + c;
            if (last < m)
            {
                return sum;
            }

            n = last / m;
            c = last % m;
            (m, a) = (a, m);
        }
    }
}
