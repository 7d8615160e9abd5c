package org.opencasjobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opencasjobs.output.TypedCsv;

class ColumnTest {
    @Test
    void doublesLookLikeDotNetAndReadBackExactly() {
        assertEquals("0.1", Column.formatDouble(0.1));
        assertEquals("18", Column.formatDouble(18.0));
        assertEquals("-1E+300", Column.formatDouble(-1e300));
        assertEquals("1E-05", Column.formatDouble(1e-5));
        assertEquals("0.0001", Column.formatDouble(1e-4));
        assertEquals("1E+17", Column.formatDouble(1e17));
        assertEquals("10000000000000000", Column.formatDouble(1e16));
        assertEquals("123456.789", Column.formatDouble(123456.789));
        assertEquals("-0.00123", Column.formatDouble(-0.00123));
        assertEquals("4.9E-324", Column.formatDouble(Double.MIN_VALUE));
        assertEquals("NaN", Column.formatDouble(Double.NaN));
        assertEquals("-Infinity", Column.formatDouble(Double.NEGATIVE_INFINITY));
        assertEquals("-0", Column.formatDouble(-0.0));
        assertEquals("3.4028235E+38", Column.formatFloat(Float.MAX_VALUE));
        assertEquals("1E+09", Column.formatFloat(1e9f));
        assertEquals("100000000", Column.formatFloat(1e8f));
        assertEquals("24.06133", Column.formatFloat(24.06133f));
    }

    /** Same text as TypedCsv's exact search except where Java 17 prints more digits or a neighbour (both read back). */
    @Test
    void agreesWithTheExactFormatterOnRandomValues() {
        SplittableRandom rnd = new SplittableRandom(42);
        int differ = 0;
        for (int i = 0; i < 50_000; i++) {
            double v = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());
                case 1 -> rnd.nextDouble() * 360;
                case 2 -> Math.round(rnd.nextDouble() * 1e6) / 1e3;
                default -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(-30, 30));
            };
            if (Double.isNaN(v)) {
                continue;
            }
            String fast = Column.formatDouble(v);
            assertEquals(v, Double.parseDouble(fast), fast);
            String exact = TypedCsv.formatDouble(v);
            if (!fast.equals(exact)) {
                differ++;
                assertTrue(significant(fast) >= significant(exact), fast + " vs " + exact);
            }
            float f = (float) v;
            if (!Float.isNaN(f)) {
                String ff = Column.formatFloat(f);
                assertEquals(f, Float.parseFloat(ff), ff);
            }
        }
        System.out.println("formatDouble differs from TypedCsv (a digit longer, or an equally long"
                + " neighbour) on " + differ + " of 50000");
        assertTrue(differ < 1_000, "differences: " + differ); // 405 with this seed on Java 17
    }

    private static int significant(String number) {
        String mantissa = number.replaceAll("E.*", "").replaceAll("[^0-9]", "");
        return mantissa.replaceAll("^0+", "").replaceAll("0+$", "").length();
    }
}
