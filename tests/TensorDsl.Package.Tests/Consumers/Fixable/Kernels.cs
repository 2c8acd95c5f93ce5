using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.Fixable;

// TDSL0001 and TDSL0002, both with a code fix: dotnet format analyzers applies them.
[AttentionKernel]
public static class /*@TDSL0001*/NotPartial
{
    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}

[AttentionKernel]
public partial class NotStatic
{
    Bhsd<float> /*@TDSL0002*/Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
