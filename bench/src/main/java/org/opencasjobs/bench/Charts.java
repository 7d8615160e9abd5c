package org.opencasjobs.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** PNG charts with Java2D alone: latency distributions (CDF) and paired bars. */
final class Charts {
    private static final int W = 800;
    private static final int H = 450;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] COLORS = {new Color(0xD6, 0x27, 0x28), new Color(0x1F, 0x77, 0xB4),
        new Color(0x2C, 0xA0, 0x2C), new Color(0xFF, 0x7F, 0x0E)};

    record Series(String name, List<Double> values) {
    }

    private Charts() {
    }

    private static Graphics2D canvas(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
        g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
        return g;
    }

    /**
     * Cumulative distributions of latencies on a logarithmic time axis, so a reference a hundred
     * times faster still shows its shape beside the product's.
     */
    static void cdf(Path file, String title, String unit, List<Series> series) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                min = Math.min(min, Math.max(v, 1e-3));
                max = Math.max(max, v);
            }
        }
        double lo = Math.floor(Math.log10(min));
        double hi = Math.ceil(Math.log10(max));
        if (hi <= lo) {
            hi = lo + 1;
        }
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        for (double d = lo; d <= hi; d++) {
            int x = LEFT + (int) ((d - lo) / (hi - lo) * plotW);
            g.setColor(Color.LIGHT_GRAY);
            g.drawLine(x, TOP, x, H - BOTTOM);
            g.setColor(Color.BLACK);
            g.drawString(label(Math.pow(10, d)) + " " + unit, x - 15, H - BOTTOM + 18);
        }
        for (int p = 0; p <= 100; p += 25) {
            int y = H - BOTTOM - p * plotH / 100;
            g.setColor(Color.LIGHT_GRAY);
            g.drawLine(LEFT, y, W - RIGHT, y);
            g.setColor(Color.BLACK);
            g.drawString(p + "%", LEFT - 40, y + 4);
        }
        g.setStroke(new BasicStroke(2f));
        for (int i = 0; i < series.size(); i++) {
            List<Double> v = new ArrayList<>(series.get(i).values());
            v.sort(null);
            g.setColor(COLORS[i % COLORS.length]);
            int px = -1;
            int py = -1;
            for (int k = 0; k < v.size(); k++) {
                double lv = Math.log10(Math.max(v.get(k), 1e-3));
                int x = LEFT + (int) ((lv - lo) / (hi - lo) * plotW);
                int y = H - BOTTOM - (int) ((k + 1) / (double) v.size() * plotH);
                if (px >= 0) {
                    g.drawLine(px, py, x, py);
                    g.drawLine(x, py, x, y);
                }
                px = x;
                py = y;
            }
            g.drawString(series.get(i).name() + String.format(Locale.ROOT, " (n=%d, p50 %s, p99 %s %s)", v.size(),
                    label(Stats.percentile(v, 50)), label(Stats.percentile(v, 99)), unit), LEFT + 10,
                    TOP + 16 + 18 * i);
        }
        g.setColor(Color.BLACK);
        g.drawString("share of calls at or below (log time axis)", LEFT, H - 15);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    /** Pairs of bars, product beside reference, for each label; each pair is {product, reference, ratio}. */
    static void bars(Path file, String title, String unit, List<String> labels, List<double[]> pairs,
                     String productName, String referenceName) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        double max = pairs.stream().mapToDouble(p -> Math.max(p[0], p[1])).max().orElse(1);
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        int group = plotW / labels.size();
        int bar = group / 3;
        for (int i = 0; i < labels.size(); i++) {
            int x0 = LEFT + i * group + group / 6;
            for (int k = 0; k < 2; k++) {
                double v = pairs.get(i)[k];
                int h = (int) (v / max * (plotH - 50));
                g.setColor(COLORS[k]);
                g.fillRect(x0 + k * bar, H - BOTTOM - h, bar - 4, h);
                g.setColor(Color.BLACK);
                g.drawString(label(v), x0 + k * bar, H - BOTTOM - h - 4);
            }
            g.drawString(labels.get(i) + String.format(Locale.ROOT, "  (%.2f×)", pairs.get(i)[2]),
                    x0, H - BOTTOM + 18);
        }
        g.setColor(COLORS[0]);
        g.drawString("■ " + productName, LEFT + 10, TOP + 4);
        g.setColor(COLORS[1]);
        g.drawString("■ " + referenceName, LEFT + 10, TOP + 20);
        g.setColor(Color.BLACK);
        g.drawString(unit, 10, TOP - 8);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    static String label(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
