namespace ArbitrageEngine.Engine.Scoring;

/// <summary>
/// Rounding to one decimal exactly as the reference does (round-half-even on the exact binary value, like
/// Python's <c>round(x, 1)</c>). Math.Round(x, 1) scales by 10 first and can round the wrong way.
/// </summary>
public static class PythonRound
{
    public static double OneDecimal(double x)
    {
        if (!double.IsFinite(x))
        {
            return x;
        }

        var f = Math.Floor(x * 10);
        // Fix a floor that the rounded product pushed across an integer: exact sign through FMA.
        if (Math.FusedMultiplyAdd(x, 10, -f) < 0)
        {
            f -= 1;
        }
        else if (Math.FusedMultiplyAdd(x, 10, -(f + 1)) >= 0)
        {
            f += 1;
        }

        var d = Math.FusedMultiplyAdd(x, 10, -(f + 0.5));
        var up = d > 0 || (d == 0 && Math.IEEERemainder(f, 2) != 0);
        return (up ? f + 1 : f) / 10;
    }
}
