package org.opencasjobs.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;

/**
 * A form body ({@code application/x-www-form-urlencoded}) read one name or value at a time as it
 * arrives, each within a bound given by the caller: what a request makes the server read and hold
 * is decided field by field, and the caller can act between fields (UploadData checks the login
 * before it reads the data). Names and values are decoded ({@code +} and {@code %XX}) in the
 * form's charset; a {@code %} not followed by two hex digits is kept as it is.
 */
final class FormBody {
    /** A name or value longer than its bound: reading stopped there. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("form field over its limit");
        }
    }

    private final InputStream in;
    private final Charset charset;
    /** What ended the last name: '=' (a value follows), '&' or -1 (none does). */
    private int nameEnd = '&';
    private long lastRawBytes;

    FormBody(InputStream in, Charset charset) {
        this.in = new BufferedInputStream(in, 8192);
        this.charset = charset;
    }

    /** The next field's name, or null at the end of the body; at most {@code maxRawBytes} read. */
    String name(long maxRawBytes) throws IOException {
        if (nameEnd == -1) {
            return null;
        }
        if (nameEnd == '=') {
            throw new IllegalStateException("the value of the last name was not read");
        }
        ByteArrayOutputStream name = new ByteArrayOutputStream();
        nameEnd = readUntil(name, true, maxRawBytes, maxRawBytes);
        if (nameEnd == -1 && lastRawBytes == 0) {
            return null; // the body ended after '&' or was empty
        }
        return name.toString(charset);
    }

    /** The value of the name just read ("" if it had none); at most {@code maxRawBytes} read. */
    String value(long maxRawBytes) throws IOException {
        return value(maxRawBytes, maxRawBytes);
    }

    /**
     * The value of the name just read ("" if it had none): at most {@code maxRawBytes} read, and at
     * most {@code maxBytes} held once decoded.
     */
    String value(long maxRawBytes, long maxBytes) throws IOException {
        if (nameEnd != '=') {
            lastRawBytes = 0;
            return "";
        }
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        nameEnd = readUntil(value, false, maxRawBytes, maxBytes) == -1 ? -1 : '&';
        return value.toString(charset);
    }

    /** Bytes of the body the last {@link #name} or {@link #value} read, separator included. */
    long lastRawBytes() {
        return lastRawBytes;
    }

    /** Decodes into {@code out} up to '&' (or '=' in a name) or the end; returns which ended it. */
    private int readUntil(ByteArrayOutputStream out, boolean name, long maxRawBytes, long maxBytes) throws IOException {
        long read = 0;
        try {
            while (true) {
                int b = in.read();
                if (b != -1 && ++read > maxRawBytes) {
                    throw new TooLarge();
                }
                if (b == -1 || b == '&' || (name && b == '=')) {
                    return b;
                }
                if (out.size() >= maxBytes) {
                    throw new TooLarge();
                }
                if (b == '+') {
                    out.write(' ');
                } else if (b == '%') {
                    in.mark(2);
                    int h = Character.digit(in.read(), 16);
                    int l = h < 0 ? -1 : Character.digit(in.read(), 16);
                    if (l < 0) {
                        in.reset(); // not an escape: the '%' stands for itself
                        out.write('%');
                    } else {
                        read += 2;
                        if (read > maxRawBytes) {
                            throw new TooLarge();
                        }
                        out.write(h * 16 + l);
                    }
                } else {
                    out.write(b);
                }
            }
        } finally {
            lastRawBytes = read;
        }
    }
}
