package io.fleetwarden.golang;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Go's {@code strconv} number formatting, where fleetwarden must write what a Go program writes to the byte: template
 * output (ResourceSets) and files SOPS writes back (a Secret is named by a hash of them).
 */
public final class GoStrconv {

    private GoStrconv() {
    }

    /** strconv.FormatFloat(f, fmt, prec, 64) for fmt in e, f, g; prec -1 is the shortest representation. */
    public static String formatFloat(double f, char fmt, int prec) {
        if (Double.isNaN(f)) {
            return "NaN";
        }
        if (Double.isInfinite(f)) {
            return f > 0 ? "+Inf" : "-Inf";
        }
        boolean neg = f < 0 || (f == 0 && 1 / f < 0);
        double a = Math.abs(f);
        BigDecimal bd;
        if (a == 0) {
            bd = BigDecimal.ZERO;
        } else if (prec < 0) {
            bd = new BigDecimal(Double.toString(a)).stripTrailingZeros();
        } else {
            bd = new BigDecimal(a);
        }
        String body;
        switch (fmt) {
            case 'f' -> {
                if (prec < 0) {
                    body = bd.toPlainString();
                } else {
                    body = bd.setScale(prec, java.math.RoundingMode.HALF_EVEN).toPlainString();
                }
            }
            case 'e' -> body = formatE(bd, prec < 0 ? -1 : prec);
            default -> {
                // 'g'
                int digits;
                BigDecimal r = bd;
                if (prec < 0) {
                    digits = a == 0 ? 1 : bd.precision();
                } else {
                    int p = prec == 0 ? 1 : prec;
                    r = a == 0 ? bd : bd.round(new MathContext(p, java.math.RoundingMode.HALF_EVEN));
                    r = r.stripTrailingZeros();
                    digits = a == 0 ? 1 : r.precision();
                }
                int exp = a == 0 ? 0 : r.precision() - r.scale() - 1;
                int eprec = prec < 0 ? 6 : (prec == 0 ? 1 : prec);
                if (prec >= 0 && eprec > digits && digits >= exp + 1) {
                    eprec = digits;
                }
                if (exp < -4 || exp >= eprec) {
                    body = formatE(r, digits - 1);
                } else {
                    body = a == 0 ? "0" : r.toPlainString();
                }
            }
        }
        return (neg ? "-" : "") + body;
    }

    private static String formatE(BigDecimal bd, int fracDigits) {
        if (bd.signum() == 0) {
            return (fracDigits > 0 ? "0." + "0".repeat(fracDigits) : "0") + "e+00";
        }
        BigDecimal r = bd;
        if (fracDigits >= 0) {
            r = bd.round(new MathContext(fracDigits + 1, java.math.RoundingMode.HALF_EVEN));
        } else {
            r = bd.stripTrailingZeros();
            fracDigits = r.precision() - 1;
        }
        int exp = r.precision() - r.scale() - 1;
        String digits = r.unscaledValue().abs().toString();
        while (digits.length() < fracDigits + 1) {
            digits = digits + "0";
        }
        digits = digits.substring(0, fracDigits + 1);
        String mant = fracDigits > 0 ? digits.charAt(0) + "." + digits.substring(1) : digits.substring(0, 1);
        String es = Integer.toString(Math.abs(exp));
        if (es.length() < 2) {
            es = "0" + es;
        }
        return mant + "e" + (exp < 0 ? "-" : "+") + es;
    }
}
